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

    class Meta:
        verbose_name = "khối thi đua theo năm"
        verbose_name_plural = "khối thi đua theo năm"
        ordering = ["-year", "bloc__name"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="scoring_one_bloc_year"),
            models.CheckConstraint(
                condition=~Q(leader=F("deputy_leader")), name="scoring_leader_is_not_deputy"
            ),
        ]

    def __str__(self):
        return f"{self.bloc} năm {self.year}"

    def clean(self):
        if self.pk:
            member_ids = set(self.memberships.values_list("agency_id", flat=True))
            for field in ("leader", "deputy_leader"):
                agency_id = getattr(self, f"{field}_id")
                if agency_id and agency_id not in member_ids:
                    raise ValidationError({field: "Cơ quan này không phải là thành viên của khối trong năm."})


class BlocMember(models.Model):
    bloc_year = models.ForeignKey(BlocYear, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="bloc_memberships")

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
            other = BlocMember.objects.filter(agency_id=self.agency_id, bloc_year__year=self.bloc_year.year)
            if other.exclude(pk=self.pk).exists():
                raise ValidationError("Một cơ quan chỉ thuộc một khối thi đua trong mỗi năm.")


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
