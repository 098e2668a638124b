"""The data: agencies and blocs per year, rubrics as criterion trees, sheets and their scores."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from .numbers import format_points

POINTS = {"max_digits": 7, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


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

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["name"]

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
        ADMIN = "admin", "Quản trị"

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


class RubricQuerySet(models.QuerySet):
    def get_by_natural_key(self, bloc_code, year):
        return self.get(bloc__code=bloc_code, year=year)


class Rubric(models.Model):
    """The criteria a bloc is scored against in one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Đang soạn"
        OPEN = "open", "Đang chấm điểm"
        CLOSED = "closed", "Đã khóa sổ"

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="rubrics", verbose_name="khối")
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên bảng tiêu chí", max_length=300)
    legal_basis = models.TextField("căn cứ", blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    deadline = models.DateField("hạn nộp", null=True, blank=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = "bảng tiêu chí"
        verbose_name_plural = "bảng tiêu chí"
        ordering = ["-year", "bloc__name"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="scoring_one_rubric_per_bloc_year")
        ]

    def __str__(self):
        return f"{self.title} ({self.bloc.code} {self.year})"

    def natural_key(self):
        return (self.bloc.code, self.year)

    natural_key.dependencies = ["scoring.bloc"]

    @property
    def is_locked(self) -> bool:
        """A rubric that an agency has submitted against no longer changes."""
        return self.sheets.exclude(status=Sheet.Status.DRAFT).exists()


class CriterionQuerySet(models.QuerySet):
    def get_by_natural_key(self, bloc_code, year, key):
        return self.get(rubric__bloc__code=bloc_code, rubric__year=year, key=key)

    def roots(self):
        return self.filter(parent__isnull=True)


class Criterion(models.Model):
    """A node of the rubric tree: a section (no parent), a criterion or a sub-criterion.

    `key` identifies it within the rubric: "2" for the second section, "2:1.3" for code 1.3 inside it,
    because numbering restarts in every section.
    """

    class Rule(models.TextChoices):
        SUM = "sum", "Tổng các tiêu chí con"
        MANUAL = "manual", "Nhập điểm"
        TIERED = "tiered", "Chọn một mức"
        COMPONENTS = "components", "Chấm từng tổ chức, thiếu thì lấy trung bình"

    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name="bảng tiêu chí"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name="thuộc"
    )
    position = models.PositiveIntegerField("thứ tự")
    key = models.CharField("khóa", max_length=60)
    code = models.CharField(
        "số thứ tự", max_length=30, help_text="Như in trong cột TT, ví dụ 1.2 hoặc Nội dung 1"
    )
    text = models.TextField("nội dung tiêu chí")
    max_points = models.DecimalField("điểm chuẩn", **POINTS, validators=NOT_NEGATIVE)
    max_bonus = models.DecimalField("điểm thưởng", **POINTS, default=Decimal(0), validators=NOT_NEGATIVE)
    rule = models.CharField("cách tính", max_length=12, choices=Rule.choices, default=Rule.MANUAL)

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["rubric", "key"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="scoring_unique_criterion_key"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="scoring_max_points_not_negative"),
            models.CheckConstraint(condition=Q(max_bonus__gte=0), name="scoring_max_bonus_not_negative"),
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"

    def natural_key(self):
        return (*self.rubric.natural_key(), self.key)

    natural_key.dependencies = ["scoring.rubric"]

    @property
    def is_section(self) -> bool:
        return self.parent_id is None

    def clean(self):
        if self.rubric_id and self.rubric.is_locked:
            raise ValidationError("Bảng tiêu chí đã có đơn vị nộp bảng chấm điểm: không sửa được tiêu chí.")
        if self.parent_id and self.parent.rubric_id != self.rubric_id:
            raise ValidationError({"parent": "Tiêu chí cha phải thuộc cùng bảng tiêu chí."})


class ComponentQuerySet(models.QuerySet):
    def get_by_natural_key(self, bloc_code, year, criterion_key, position):
        return self.get(
            criterion__rubric__bloc__code=bloc_code,
            criterion__rubric__year=year,
            criterion__key=criterion_key,
            position=position,
        )


class Component(models.Model):
    """An organisation rated inside a components criterion (Công đoàn, Đoàn thanh niên, Hội CCB)."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tổ chức", max_length=200)
    may_be_missing = models.BooleanField(
        "có thể không có",
        default=False,
        help_text="Đơn vị không có tổ chức này được tính trung bình các tổ chức hiện có",
    )

    objects = ComponentQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức được chấm"
        verbose_name_plural = "tổ chức được chấm"
        ordering = ["criterion", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "position"], name="scoring_unique_component_position"
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.criterion.natural_key(), self.position)

    natural_key.dependencies = ["scoring.criterion"]


class TierQuerySet(models.QuerySet):
    def get_by_natural_key(self, bloc_code, year, criterion_key, position):
        return self.get(
            criterion__rubric__bloc__code=bloc_code,
            criterion__rubric__year=year,
            criterion__key=criterion_key,
            position=position,
        )


class Tier(models.Model):
    """One option of a tiered criterion, or one rating of a component: "Hoàn thành tốt nhiệm vụ" = 15."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="tiers")
    component = models.ForeignKey(
        Component,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tiers",
        verbose_name="tổ chức",
    )
    position = models.PositiveSmallIntegerField("thứ tự")
    label = models.CharField("mức", max_length=300)
    points = models.DecimalField("điểm", **POINTS, validators=NOT_NEGATIVE)

    objects = TierQuerySet.as_manager()

    class Meta:
        verbose_name = "mức điểm"
        verbose_name_plural = "mức điểm"
        ordering = ["criterion", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "position"], name="scoring_unique_tier_position"),
            models.CheckConstraint(condition=Q(points__gte=0), name="scoring_tier_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.label} ({format_points(self.points)} điểm)"

    def natural_key(self):
        return (*self.criterion.natural_key(), self.position)

    natural_key.dependencies = ["scoring.criterion", "scoring.component"]


class SheetQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sheets of the agencies the user belongs to; nothing of anybody else's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(agency__memberships__user=user).distinct()


class Sheet(models.Model):
    """One agency's Bảng chấm điểm for one rubric."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Đang nhập"
        SUBMITTED = "submitted", "Đã nộp"
        RETURNED = "returned", "Bị trả lại"
        ACCEPTED = "accepted", "Đã duyệt"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="sheets", verbose_name="bảng tiêu chí"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sheets", verbose_name="đơn vị")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField("phiên bản", default=1)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người nộp",
    )

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = "bảng chấm điểm"
        verbose_name_plural = "bảng chấm điểm"
        ordering = ["-rubric__year", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "agency"], name="scoring_one_sheet_per_agency")
        ]

    def __str__(self):
        return f"Bảng chấm điểm {self.rubric.year} – {self.agency}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class SheetTransition(models.Model):
    """Every change of a sheet's status, returns included, with who and why."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="transitions")
    at = models.DateTimeField("lúc", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    from_status = models.CharField("từ", max_length=10, choices=Sheet.Status.choices, blank=True)
    to_status = models.CharField("sang", max_length=10, choices=Sheet.Status.choices)
    reason = models.TextField("lý do", blank=True)

    class Meta:
        verbose_name = "lịch sử trạng thái"
        verbose_name_plural = "lịch sử trạng thái"
        ordering = ["sheet", "at", "pk"]

    def __str__(self):
        return f"{self.sheet}: {self.from_status or '–'} → {self.to_status}"


class Score(models.Model):
    """One criterion of one sheet: the agency's own numbers, and room for the bloc's review.

    `points` is typed for manual criteria and derived from the chosen tier or the component ratings
    otherwise; parents' points are never stored — they are sums (see rollup.py).
    """

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    points = models.DecimalField("điểm tự chấm", **POINTS, null=True, blank=True, validators=NOT_NEGATIVE)
    bonus = models.DecimalField(
        "điểm thưởng tự chấm", **POINTS, null=True, blank=True, validators=NOT_NEGATIVE
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    explanation = models.TextField("giải trình", blank=True)
    provisional = models.BooleanField("tạm tính", default=False)
    reviewed_points = models.DecimalField(
        "điểm thẩm định", **POINTS, null=True, blank=True, validators=NOT_NEGATIVE
    )
    reviewed_bonus = models.DecimalField(
        "điểm thưởng thẩm định", **POINTS, null=True, blank=True, validators=NOT_NEGATIVE
    )
    review_comment = models.TextField("nhận xét thẩm định", blank=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "điểm"
        verbose_name_plural = "điểm"
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="scoring_one_score_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="scoring_points_not_negative"),
            models.CheckConstraint(condition=Q(bonus__gte=0), name="scoring_bonus_not_negative"),
            models.CheckConstraint(
                condition=Q(reviewed_points__gte=0), name="scoring_reviewed_points_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_bonus__gte=0), name="scoring_reviewed_bonus_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.sheet} – {self.criterion.key}"


class ComponentRating(models.Model):
    """The rating of one organisation in a components criterion; no tier means the agency has none."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="ratings")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "xếp loại tổ chức"
        verbose_name_plural = "xếp loại tổ chức"
        constraints = [
            models.UniqueConstraint(fields=["score", "component"], name="scoring_one_rating_per_component")
        ]

    def __str__(self):
        return f"{self.component}: {self.tier or 'không có tổ chức này'}"
