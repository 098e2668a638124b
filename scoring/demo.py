"""The demo data set: the 2022 round of "Khối các cơ quan Tham mưu - Tổng hợp" of Quảng Ngãi.

Demo accounts log in only where settings.DEMO_LOGIN_ENABLED is on (by default, only with DEBUG).
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

YEAR = 2022
BLOC = "TMTH"
RUBRIC_FIXTURE = "rubric_tmth_2022"
SEED_SHEET = Path(settings.BASE_DIR) / "fixtures" / "seed_2022_sheet.xlsx"
GOVERNING = "UBND TỈNH QUẢNG NGÃI"

# code, name, header name, symbol, head's title, head's name
AGENCIES = [
    ("VP", "Văn phòng UBND tỉnh", "VĂN PHÒNG", "VP", "Chánh Văn phòng", "Vũ Minh Tâm"),
    ("TTR", "Thanh tra tỉnh", "THANH TRA TỈNH", "TTr", "Chánh Thanh tra", "Nguyễn Văn Bình"),
    ("SNV", "Sở Nội vụ", "SỞ NỘI VỤ", "SNV", "Giám đốc", "Trần Thị Hạnh"),
    ("STC", "Sở Tài chính", "SỞ TÀI CHÍNH", "STC", "Giám đốc", "Lê Quang Minh"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "SKHĐT", "Giám đốc", "Phạm Đức Long"),
    ("STP", "Sở Tư pháp", "SỞ TƯ PHÁP", "STP", "Giám đốc", "Đặng Thu Ánh"),
    (
        "VPDDBQH",
        "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
        "VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND",
        "VPĐĐBQH&HĐND",
        "Chánh Văn phòng",
        "Huỳnh Thị Dương",
    ),
]
# The provincial emulation office (Agency.is_province_office) administers the blocs; it is not itself a member
# of this one.
ADMIN_AGENCY = (
    "BTDKT",
    "Ban Thi đua - Khen thưởng tỉnh",
    "BAN THI ĐUA - KHEN THƯỞNG",
    "BTĐKT",
    "Trưởng ban",
    "Võ Thị Lan",
)
ADMIN_GOVERNING = "SỞ NỘI VỤ TỈNH QUẢNG NGÃI"
# What the ranking proposes in 2022 (configurable per rubric in the admin): position, award, at most
AWARDS = [(1, "Cờ thi đua của UBND tỉnh", 1), (2, "Bằng khen của Chủ tịch UBND tỉnh", 2)]
MEMBERS = ["VP", "TTR", "SNV", "STC", "SKHDT", "STP", "VPDDBQH"]
LEADER, DEPUTY = "TTR", "SNV"
# `load_demo --earlier-year`: the round before, closed, with the same leaders; Sở Tư pháp joined in 2022
EARLIER_YEAR = 2021
EARLIER_MEMBERS = ["VP", "TTR", "SNV", "STC", "SKHDT", "VPDDBQH"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    agency: str
    role: str
    staff: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.gov.vn"


USERS = [
    DemoUser("vp.bientap", "demo-VP-bien-tap-2022", "Hoa", "Nguyễn Thị", "VP", "editor"),
    DemoUser("vp.thutruong", "demo-VP-thu-truong-2022", "Tâm", "Vũ Minh", "VP", "head"),
    DemoUser("ttr.chamdiem", "demo-TTR-cham-diem-2022", "Bình", "Nguyễn Văn", "TTR", "reviewer"),
    DemoUser("snv.chamdiem", "demo-SNV-cham-diem-2022", "Hạnh", "Trần Thị", "SNV", "reviewer"),
    DemoUser("stc.bientap", "demo-STC-bien-tap-2022", "Minh", "Lê Quang", "STC", "editor"),
    DemoUser("stc.thutruong", "demo-STC-thu-truong-2022", "Minh", "Lê Quang", "STC", "head"),
    DemoUser("ttr.thutruong", "demo-TTR-thu-truong-2022", "Bình", "Nguyễn Văn", "TTR", "head"),
    DemoUser("quantri", "demo-quan-tri-2022", "Lan", "Võ Thị", "BTDKT", "admin", staff=True),
]
DEMO_USERNAMES = frozenset(u.username for u in USERS)

CERT_PASSPHRASE = "demo-chu-ky-so"
# who gets a demo certificate, with the name it carries: heads sign reports, the leader's and deputy's
# reviewers counter-sign those they receive, the leader's head signs the bloc's giao ước
CERT_HOLDERS = {
    "vp.thutruong": "Vũ Minh Tâm",
    "stc.thutruong": "Lê Quang Minh",
    "ttr.chamdiem": "Nguyễn Văn Bình",
    "snv.chamdiem": "Trần Thị Hạnh",
    "ttr.thutruong": "Nguyễn Văn Bình",  # the head named on the agency's documents
}

# The province's catalogue of titles and awards for collectives (Luật Thi đua, khen thưởng 2022 and its
# decrees; the province changes it in the setup pages): name, kind
AWARD_TITLES = [
    ("Tập thể lao động tiên tiến", "title"),
    ("Tập thể lao động xuất sắc", "title"),
    ("Cờ thi đua của UBND tỉnh", "title"),
    ("Cờ thi đua của Chính phủ", "title"),
    ("Bằng khen của Chủ tịch UBND tỉnh", "award"),
    ("Bằng khen của Thủ tướng Chính phủ", "award"),
    ("Huân chương Lao động hạng Ba", "award"),
]
# What the members registered at the start of 2022: every member but Văn phòng UBND tỉnh has sent its
# pledge; the office's is a draft, so the leader waits for it before the giao ước.
PLEDGED = {
    "VP": ["Tập thể lao động xuất sắc", "Cờ thi đua của UBND tỉnh"],
    "TTR": ["Tập thể lao động xuất sắc", "Cờ thi đua của UBND tỉnh"],
    "SNV": ["Tập thể lao động xuất sắc", "Bằng khen của Chủ tịch UBND tỉnh"],
    "STC": ["Tập thể lao động xuất sắc"],
    "SKHDT": ["Tập thể lao động xuất sắc", "Bằng khen của Chủ tịch UBND tỉnh"],
    "STP": ["Tập thể lao động tiên tiến"],
    "VPDDBQH": ["Tập thể lao động xuất sắc"],
}
COMMITMENTS = [
    "Hoàn thành xuất sắc nhiệm vụ chính trị được giao năm {year}.",
    "Thực hiện tốt các phong trào thi đua do tỉnh và Khối phát động.",
    "Không có cán bộ, công chức vi phạm pháp luật, kỷ luật từ khiển trách trở lên.",
    "Tham gia đầy đủ các hoạt động của Khối; nộp báo cáo, bảng chấm điểm đúng hạn.",
]
