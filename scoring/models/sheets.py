"""An agency's sheet: its status history, scores, component ratings, changes and snapshots."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .. import rollup
from .agencies import Agency
from .base import AppendOnlyModel
from .rubrics import NOT_NEGATIVE, POINTS, Component, Criterion, Rubric, Tier


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
    # Sent to the bloc at least once; a draft is the agency's own: no reviewer, board or table shows it.
    SEEN_BY_BLOC = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED)

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

    @property
    def seen_by_bloc(self) -> bool:
        return self.status in self.SEEN_BY_BLOC


class SheetTransition(AppendOnlyModel):
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
    documents = models.ManyToManyField("Document", through="Citation", related_name="scores", blank=True)
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

    @property
    def final(self) -> rollup.Entry:
        """The numbers that count: the reviewer's where they wrote one, else the agency's own."""
        return rollup.final_entry(self.points, self.bonus, self.reviewed_points, self.reviewed_bonus)


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


class ReviewedRating(models.Model):
    """The reviewer's rating of one organisation of a components criterion, as the agency rates it (no tier:
    the reviewer finds the agency has no such organisation, which gets the average). Where the reviewer
    rated no organisation, the agency's own rating stands; `Score.reviewed_points` is worked out from these
    over the agency's (rubrics.rules.Components) and is what every total reads."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="reviewed_ratings")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "xếp loại tổ chức khi thẩm định"
        verbose_name_plural = "xếp loại tổ chức khi thẩm định"
        constraints = [
            models.UniqueConstraint(
                fields=["score", "component"], name="scoring_one_reviewed_rating_per_component"
            )
        ]

    def __str__(self):
        return f"{self.component} (thẩm định): {self.tier or 'không có tổ chức này'}"


class ScoreChange(AppendOnlyModel):
    """One change of one field of one criterion of a sheet: who, when, old, new. Never edited."""

    class Field(models.TextChoices):
        POINTS = "points", "Điểm tự chấm"
        BONUS = "bonus", "Điểm thưởng tự chấm"
        TIER = "tier", "Mức đạt"
        RATINGS = "ratings", "Xếp loại các tổ chức"
        EXPLANATION = "explanation", "Giải trình"
        PROVISIONAL = "provisional", "Tạm tính"
        DOCUMENTS = "documents", "Tài liệu kiểm chứng"
        REVIEWED_POINTS = "reviewed_points", "Điểm thẩm định"
        REVIEWED_BONUS = "reviewed_bonus", "Điểm thưởng thẩm định"
        REVIEW_COMMENT = "review_comment", "Nhận xét thẩm định"
        REVIEWED_RATINGS = "reviewed_ratings", "Xếp loại thẩm định các tổ chức"

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="changes")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    field = models.CharField("nội dung", max_length=16, choices=Field.choices)
    old = models.TextField("trước", blank=True)
    new = models.TextField("sau", blank=True)
    version = models.PositiveIntegerField("phiên bản")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lịch sử sửa điểm"
        verbose_name_plural = "lịch sử sửa điểm"
        ordering = ["-version", "pk"]
        indexes = [models.Index(fields=["sheet", "version"], name="scoring_change_sheet_version")]

    def __str__(self):
        return f"{self.sheet} v{self.version}: {self.field}"


class SheetSnapshot(AppendOnlyModel):
    """The exact sheet as it was submitted: every score, choice, explanation and citation."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField("phiên bản")
    taken_at = models.DateTimeField("lúc", auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    data = models.JSONField("nội dung")

    class Meta:
        verbose_name = "bản chụp khi nộp"
        verbose_name_plural = "bản chụp khi nộp"
        ordering = ["-taken_at"]

    def __str__(self):
        return f"{self.sheet} – nộp lúc {self.taken_at:%d/%m/%Y %H:%M}"
