"""Agencies, blocs per year, and users' roles in agencies."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


class AgencyQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Agency(models.Model):
    """A cơ quan/đơn vị, with what the header and signature block of its documents need."""

    code = models.CharField("mã", max_length=20, unique=True)
    name = models.CharField("tên cơ quan, đơn vị", max_length=200)
    governing_body = models.CharField(
        "cơ quan chủ quản",
        max_length=200,
        help_text="Dòng trên cùng của tiêu đề văn bản, ví dụ UBND TỈNH QUẢNG NGÃI",
    )
    header_name = models.CharField(
        "tên trong tiêu đề văn bản", max_length=200, help_text="In hoa, đậm, ví dụ VĂN PHÒNG"
    )
    symbol = models.CharField("ký hiệu văn bản", max_length=20, help_text="Dùng trong số văn bản, ví dụ VP")
    place = models.CharField(
        "địa danh", max_length=100, help_text="Dùng trong dòng ngày tháng, ví dụ Quảng Ngãi"
    )
    head_title = models.CharField("chức vụ thủ trưởng", max_length=100)
    head_name = models.CharField("họ tên thủ trưởng", max_length=100, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    # The one agency whose administrators act on every bloc; every other agency's roles stay inside it.
    is_province_office = models.BooleanField(
        "cơ quan thường trực thi đua của tỉnh",
        default=False,
        help_text="Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ): người có vai trò “Quản trị cấp tỉnh” của "
        "cơ quan này quản trị mọi khối thi đua. Chỉ một cơ quan.",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_province_office"],
                condition=Q(is_province_office=True),
                name="scoring_one_province_office",
                violation_error_message="Tỉnh chỉ có một cơ quan thường trực thi đua.",
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class BlocQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Bloc(models.Model):
    """A khối thi đua: its members and leaders change from year to year (see BlocYear)."""

    code = models.CharField("mã khối", max_length=20, unique=True)
    name = models.CharField("tên khối", max_length=200)

    objects = BlocQuerySet.as_manager()

    class Meta:
        verbose_name = "khối thi đua"
        verbose_name_plural = "khối thi đua"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


LEADER_IS_DEPUTY = "Khối trưởng và khối phó phải là hai cơ quan khác nhau."
NOT_A_MEMBER = "Cơ quan này không phải là thành viên của khối trong năm."
ONE_BLOC_A_YEAR = "Một cơ quan chỉ thuộc một khối thi đua trong mỗi năm."


class BlocYear(models.Model):
    """A bloc in one year: who belongs to it, who leads it, who is deputy."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="years", verbose_name="khối")
    year = models.PositiveSmallIntegerField("năm")
    leader = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="khối trưởng"
    )
    deputy_leader = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="khối phó"
    )
    members = models.ManyToManyField(
        Agency, through="BlocMember", related_name="bloc_years", verbose_name="thành viên"
    )

    NO_LEADER = (
        "Khối chưa có cơ quan khối trưởng trong năm: Ban Thi đua - Khen thưởng tỉnh chọn khối trưởng ở trang "
        "thiết lập năm trước khi lập văn bản của khối."
    )

    class Meta:
        verbose_name = "khối thi đua theo năm"
        verbose_name_plural = "khối thi đua theo năm"
        ordering = ["-year", "bloc__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year"],
                name="scoring_one_bloc_year",
                violation_error_message="Khối thi đua này đã có năm thi đua đó.",
            ),
            models.CheckConstraint(
                condition=~Q(leader=F("deputy_leader")),
                name="scoring_leader_is_not_deputy",
                violation_error_message=LEADER_IS_DEPUTY,
            ),
        ]

    def __str__(self):
        return f"{self.bloc} năm {self.year}"

    # A form that edits the members in the same post (the admin's inline, the setup pages) checks the leader
    # and deputy against the members it is about to save, not against those still in the database.
    members_checked_by_form = False

    def clean(self):
        errors = self.leader_errors(
            None if self.members_checked_by_form or not self.pk else self.member_ids()
        )
        if errors:
            raise ValidationError(errors)

    def member_ids(self) -> set[int]:
        return set(self.memberships.values_list("agency_id", flat=True))

    def leader_errors(self, member_ids: set[int] | None) -> dict[str, str]:
        """What is wrong with the leader and deputy, field by field; members not checked when None."""
        errors = {}
        if self.leader_id and self.leader_id == self.deputy_leader_id:
            errors["deputy_leader"] = LEADER_IS_DEPUTY
        if member_ids is not None:
            for field in ("leader", "deputy_leader"):
                agency_id = getattr(self, f"{field}_id")
                if agency_id and agency_id not in member_ids and field not in errors:
                    errors[field] = NOT_A_MEMBER
        return errors


class BlocMemberQuerySet(models.QuerySet):
    def elsewhere(self, *, year: int, agency_ids, bloc_year_id: int | None = None) -> dict[int, "BlocMember"]:
        """Of these agencies, those that belong to another bloc in that year: agency id → membership."""
        rows = self.filter(bloc_year__year=year, agency_id__in=agency_ids).exclude(bloc_year_id=bloc_year_id)
        return {m.agency_id: m for m in rows.select_related("agency", "bloc_year__bloc")}


class BlocMember(models.Model):
    bloc_year = models.ForeignKey(BlocYear, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="bloc_memberships")

    objects = BlocMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "thành viên khối"
        verbose_name_plural = "thành viên khối"
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "agency"], name="scoring_one_membership_per_bloc_year"
            )
        ]

    def __str__(self):
        return f"{self.agency} – {self.bloc_year}"

    def clean(self):
        if self.bloc_year_id and self.agency_id:
            year = self.bloc_year.year
            other = BlocMember.objects.elsewhere(
                year=year, agency_ids=[self.agency_id], bloc_year_id=self.bloc_year_id
            )
            if other:
                raise ValidationError({"agency": elsewhere_message(other[self.agency_id])})


def elsewhere_message(membership: BlocMember) -> str:
    """ "Một cơ quan chỉ thuộc một khối …: Sở Tư pháp đã thuộc Khối … năm 2023."""
    return f"{ONE_BLOC_A_YEAR} {membership.agency} đã thuộc {membership.bloc_year}."


class Membership(models.Model):
    """A user's role in an agency."""

    class Role(models.TextChoices):
        EDITOR = "editor", "Cán bộ nhập liệu"
        HEAD = "head", "Thủ trưởng"
        REVIEWER = "reviewer", "Cán bộ chấm điểm của khối"
        # Province-wide, so only in the province office (Agency.is_province_office): see clean().
        ADMIN = "admin", "Quản trị cấp tỉnh"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "người dùng của đơn vị"
        verbose_name_plural = "người dùng của đơn vị"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="scoring_one_role_per_user_agency"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.agency} ({self.get_role_display()})"

    def clean(self):
        if self.role == self.Role.ADMIN and self.agency_id and not self.agency.is_province_office:
            raise ValidationError(
                {
                    "role": "Vai trò “Quản trị cấp tỉnh” chỉ dành cho người của cơ quan thường trực thi đua "
                    "của tỉnh (Ban Thi đua - Khen thưởng)."
                }
            )
