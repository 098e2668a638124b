import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ... import demo
from ...models import (
    Agency,
    AwardRule,
    AwardTitle,
    Bloc,
    BlocMember,
    BlocYear,
    Covenant,
    Membership,
    Pledge,
    Rubric,
    Sheet,
)
from ...notation import format_points
from ...review.services import round_close, sheet_accept
from ...rubrics.rules import rule_of
from ...rubrics.services import rubric_copy, rubric_open, shifted
from ...rubrics.tree import rubric_tree
from ...sheets.queries import sheet_view
from ...sheets.services import ScoreInput, scores_import, sheet_for, sheet_submit
from ...sheets.workbook import read_sheet
from ...signing import make_demo_p12


def demo_certificate(username: str) -> Path:
    """A self-signed PKCS#12 for a demo head or reviewer, made once on this machine (never committed)."""
    folder = Path(settings.DEMO_CERT_DIR)
    path = folder / f"{username}.p12"
    if not path.exists():
        now = datetime.datetime.now(datetime.UTC)
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            make_demo_p12(
                demo.CERT_HOLDERS[username],
                demo.CERT_PASSPHRASE.encode(),
                not_before=now - datetime.timedelta(days=1),
                not_after=now + datetime.timedelta(days=730),
            )
        )
        path.chmod(0o600)
    return path


def _sample_values(rtree, agency: Agency, index: int, year: int) -> dict[str, ScoreInput]:
    """Made-up but plausible numbers: each agency loses a little on a few criteria."""
    tree = rtree.tree
    values = {}
    for position, criterion in enumerate(rtree.criteria):
        node = tree.node(criterion.key)
        value = ScoreInput(explanation=f"Thực hiện theo kế hoạch năm {year} của {agency.name}.")
        own_bonus = tree.own_bonus_max(node)
        if own_bonus:
            value.bonus = own_bonus if (index + position) % 4 else own_bonus / 2
        if tree.is_leaf(criterion.key):
            rule_of(criterion).sample(criterion, value, index, position)
        if criterion.parent_id is not None:
            values[criterion.key] = value
    return values


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: khối Tham mưu - Tổng hợp năm 2022, các đơn vị, tài khoản mẫu, bảng tiêu chí 2022 "
        "và bảng tự chấm của Văn phòng UBND tỉnh. Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--earlier-year",
            action="store_true",
            help=f"Thêm năm {demo.EARLIER_YEAR} (mọi thành viên đã được duyệt, năm đã khóa sổ) để so sánh các năm.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not settings.DEMO_LOGIN_ENABLED:
            raise CommandError("Không nạp dữ liệu mẫu khi chạy cấu hình sản xuất (DEBUG=0).")
        with transaction.atomic():
            agencies = self._agencies()
            rubric = self._rubric()
            self._bloc_year(agencies)
            users = self._users(agencies)
            sheet = self._vp_sheet(rubric, agencies["VP"], users["vp.bientap"])
            self._other_sheets(rubric, agencies)
            self._award_rules(rubric)
            if options["earlier_year"]:
                self._earlier_year(rubric, agencies, users)
            self._pledges(agencies)
        totals = sheet_view(sheet).grand_total
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng."))
        self.stdout.write(
            f"Bảng tự chấm {demo.YEAR} của {sheet.agency.name} ({sheet.get_status_display()}): "
            f"{format_points(totals.points)} điểm, {format_points(totals.bonus)} điểm thưởng."
        )
        self.stdout.write(
            "Tài khoản mẫu (chỉ đăng nhập được khi DEBUG bật; mật khẩu như lúc tạo, nếu chưa đổi):"
        )
        for user in demo.USERS:
            role = Membership.Role(user.role).label
            self.stdout.write(
                f"  {user.username:<15} {user.password:<26} {role} – {agencies[user.agency].name}"
            )
        self.stdout.write(
            f"Chứng thư số mẫu để ký và ký xác nhận báo cáo (mật khẩu “{demo.CERT_PASSPHRASE}”; tự ký, chỉ để thử):"
        )
        for username in demo.CERT_HOLDERS:
            self.stdout.write(f"  {username:<15} {demo_certificate(username)}")

    def _agencies(self) -> dict[str, Agency]:
        rows = [(row, demo.GOVERNING) for row in demo.AGENCIES] + [(demo.ADMIN_AGENCY, demo.ADMIN_GOVERNING)]
        agencies = {}
        for (code, name, header, symbol, head_title, head_name), governing in rows:
            agencies[code], _ = Agency.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "governing_body": governing,
                    "header_name": header,
                    "symbol": symbol,
                    "place": "Quảng Ngãi",
                    "head_title": head_title,
                    "head_name": head_name,
                },
            )
        # Its "quantri" administers every bloc (other agencies' roles stay in their agency) — also in a
        # database filled before agencies had the flag, unless another agency holds it.
        if not Agency.objects.filter(is_province_office=True).exists():
            Agency.objects.filter(code=demo.ADMIN_AGENCY[0]).update(is_province_office=True)
        return agencies

    def _rubric(self) -> Rubric:
        rubric = Rubric.objects.year_end().filter(bloc__code=demo.BLOC, year=demo.YEAR).first()
        if rubric is None:
            call_command("loaddata", demo.RUBRIC_FIXTURE, verbosity=0)
            rubric = Rubric.objects.year_end().get(bloc__code=demo.BLOC, year=demo.YEAR)
        return rubric

    def _bloc_year(self, agencies: dict[str, Agency]) -> None:
        bloc_year, _ = BlocYear.objects.get_or_create(
            bloc=Bloc.objects.get(code=demo.BLOC),
            year=demo.YEAR,
            defaults={"leader": agencies[demo.LEADER], "deputy_leader": agencies[demo.DEPUTY]},
        )
        for code in demo.MEMBERS:
            BlocMember.objects.get_or_create(bloc_year=bloc_year, agency=agencies[code])

    def _users(self, agencies: dict[str, Agency]) -> dict:
        User = get_user_model()
        users = {}
        for spec in demo.USERS:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "email": spec.email,
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "is_staff": spec.staff,
                    "is_superuser": spec.staff,
                },
            )
            if created:
                user.set_password(spec.password)
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, agency=agencies[spec.agency], role=spec.role)
            users[spec.username] = user
        return users

    def _other_sheets(self, rubric: Rubric, agencies: dict[str, Agency]) -> None:
        """The other members' sheets, submitted, so that the leader has a round to review.

        Their numbers are made up but plausible: each agency loses a little on a few criteria.
        """
        rtree = rubric_tree(rubric)
        for index, code in enumerate(c for c in demo.MEMBERS if c != "VP"):
            agency = agencies[code]
            if Sheet.objects.filter(rubric=rubric, agency=agency).exists():
                continue
            sheet = sheet_for(rubric=rubric, agency=agency)
            scores_import(sheet=sheet, values=_sample_values(rtree, agency, index, demo.YEAR))
            sheet.refresh_from_db()
            sheet_submit(sheet=sheet, base_version=sheet.version, by=None)

    def _earlier_year(self, rubric: Rubric, agencies: dict[str, Agency], users: dict) -> None:
        """The round before (demo.EARLIER_YEAR) on a copy of the rubric, every member accepted and the year
        closed, so that "So sánh các năm" has two years to compare; Sở Tư pháp joined the bloc only after."""
        year = demo.EARLIER_YEAR
        if Rubric.objects.year_end().filter(bloc=rubric.bloc, year=year).exists():
            return
        earlier = rubric_copy(
            rubric=rubric,
            year=year,
            legal_basis=f"Quy chế hoạt động của {rubric.bloc.name} (dữ liệu mẫu năm {year}).",
            deadline=shifted(rubric.deadline, year - rubric.year),
        )
        rubric_open(rubric=earlier)
        bloc_year = BlocYear.objects.create(
            bloc=rubric.bloc, year=year, leader=agencies[demo.LEADER], deputy_leader=agencies[demo.DEPUTY]
        )
        rtree = rubric_tree(earlier)
        for index, code in enumerate(demo.EARLIER_MEMBERS):
            agency = agencies[code]
            BlocMember.objects.create(bloc_year=bloc_year, agency=agency)
            sheet = sheet_for(rubric=earlier, agency=agency)
            scores_import(sheet=sheet, values=_sample_values(rtree, agency, index + 2, year))
            sheet.refresh_from_db()
            sheet = sheet_submit(sheet=sheet, base_version=sheet.version, by=None)
            reviewer = users["snv.chamdiem" if code == demo.LEADER else "ttr.chamdiem"]
            sheet_accept(sheet=sheet, base_version=sheet.version, by=reviewer)
        round_close(rubric=earlier, by=users["quantri"], reason=f"Tổng kết năm {year} (dữ liệu mẫu).")

    def _award_rules(self, rubric: Rubric) -> None:
        for position, award, count in demo.AWARDS:
            AwardRule.objects.get_or_create(
                rubric=rubric, position=position, defaults={"award": award, "max_count": count}
            )

    def _pledges(self, agencies: dict[str, Agency]) -> None:
        """The province's catalogue, and the members' pledges for the year (all sent but VP's)."""
        for position, (name, kind) in enumerate(demo.AWARD_TITLES, start=1):
            AwardTitle.objects.get_or_create(name=name, defaults={"kind": kind, "position": position})
        bloc_year = BlocYear.objects.get(bloc__code=demo.BLOC, year=demo.YEAR)
        Covenant.objects.get_or_create(bloc_year=bloc_year, defaults={"number": "01"})
        commitments = "\n".join(line.format(year=demo.YEAR) for line in demo.COMMITMENTS)
        for code, names in demo.PLEDGED.items():
            pledge, created = Pledge.objects.get_or_create(
                bloc_year=bloc_year, agency=agencies[code], defaults={"commitments": commitments}
            )
            if not created:
                continue
            pledge.titles.set(AwardTitle.objects.filter(name__in=names))
            if code != "VP":
                Pledge.objects.filter(pk=pledge.pk).update(
                    status=Pledge.Status.SUBMITTED, submitted_at=timezone.now()
                )

    def _vp_sheet(self, rubric: Rubric, agency: Agency, editor) -> Sheet:
        """Văn phòng UBND tỉnh's self-scores as the seed table shows them, with the seed's errors fixed."""
        existing = Sheet.objects.filter(rubric=rubric, agency=agency).first()
        if existing is not None:
            return existing
        # --clamp fixes Nội dung 2, criterion 3: a bonus of 10 typed where at most 1 is allowed.
        result = read_sheet(demo.SEED_SHEET, agency=agency, year=demo.YEAR, clamp=True)
        if result.errors:
            raise CommandError("\n".join(str(p) for p in result.errors))
        # Its Hội Cựu chiến binh was dissolved: the average of the two organisations it has stands in for it.
        components = rubric.criteria.get(key="2:7").components.order_by("position")
        value = result.values["2:7"]
        value.ratings = {
            c.pk: value.ratings.get(c.pk) for c in components if not c.name.endswith("Cựu chiến binh")
        }
        value.ratings.update({c.pk: None for c in components if c.name.endswith("Cựu chiến binh")})
        sheet = sheet_for(rubric=rubric, agency=agency, by=editor)
        scores_import(sheet=sheet, values=result.values, by=editor)
        return sheet
