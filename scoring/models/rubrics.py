"""A bloc's rubric for a year: the criterion tree, tiers and rated organisations."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..notation import format_points
from .agencies import Bloc
from .base import AppendOnlyModel
from .rounds import KINDS, Round, RoundKind

POINTS = {"max_digits": 7, "decimal_places": 2}
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


def split_natural_key(rest: tuple) -> tuple[str, tuple]:
    """(round, the rest) of what follows (bloc, year) in a natural key: the year-end round's keys keep their
    short form (bloc, year, …), which the fixtures use; a six-month round's carry its round after the year."""
    if rest and rest[0] in KINDS:
        return rest[0], rest[1:]
    return Round.YEAR_END, rest


class RubricQuerySet(models.QuerySet):
    def get_by_natural_key(self, bloc_code, year, round=Round.YEAR_END):
        return self.get(bloc__code=bloc_code, year=year, round=round)

    def year_end(self):
        return self.filter(round=Round.YEAR_END)


class Rubric(models.Model):
    """The criteria a bloc is scored against in one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Đang soạn"
        OPEN = "open", "Đang chấm điểm"
        CLOSED = "closed", "Đã khóa sổ"

    Round = Round

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="rubrics", verbose_name="khối")
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên bảng tiêu chí", max_length=300)
    legal_basis = models.TextField("căn cứ", blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    deadline = models.DateField("hạn nộp", null=True, blank=True)
    round = models.CharField("vòng", max_length=4, choices=Round.choices, default=Round.YEAR_END)

    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = "bảng tiêu chí"
        verbose_name_plural = "bảng tiêu chí"
        ordering = ["-year", "bloc__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year", "round"], name="scoring_one_rubric_per_bloc_year_round"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.round_kind.with_tag(f'{self.bloc.code} {self.year}', ', ')})"

    def natural_key(self):
        # the year-end round's keys keep their short form, which the fixtures use (split_natural_key)
        base = (self.bloc.code, self.year)
        return (*base, self.round) if self.round != Round.YEAR_END else base

    @property
    def round_kind(self) -> RoundKind:
        return Round.kind(self.round)

    @property
    def period(self) -> str:
        """What the round covers, as the documents write it: "năm 2022", "6 tháng đầu năm 2022"."""
        return self.round_kind.period_of(self.year)

    @property
    def titled_period(self) -> str:
        return self.round_kind.titled_period(self.year)

    @property
    def closed_phrase(self) -> str:
        return self.round_kind.closed_phrase

    @property
    def is_past_deadline(self) -> bool:
        """Whether today (Vietnam time) is after the deadline. A sheet may still be submitted then, and the
        pages say it is late: what lateness costs is the bloc's quy chế to decide, not the app's (a refused
        sheet would leave the member out of the ranking altogether)."""
        return self.deadline is not None and timezone.localdate() > self.deadline

    @property
    def round_args(self) -> tuple:
        """The bloc board's address arguments for this round (see scoring/review/urls.py: the year-end round has none)."""
        base = (self.bloc.code, self.year)
        return (*base, self.round) if self.round_kind.url_segment else base

    natural_key.dependencies = ["scoring.bloc"]

    @property
    def is_locked(self) -> bool:
        """A rubric that an agency has submitted against no longer changes."""
        from .sheets import Sheet  # sheets.py imports this module

        return self.sheets.exclude(status=Sheet.Status.DRAFT).exists()


class CriterionQuerySet(models.QuerySet):
    def get_by_natural_key(self, bloc_code, year, *rest):
        round, (key,) = split_natural_key(rest)
        return self.get(rubric__bloc__code=bloc_code, rubric__year=year, rubric__round=round, key=key)


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

    def clean(self):
        if self.rubric_id and self.rubric.is_locked:
            raise ValidationError("Bảng tiêu chí đã có đơn vị nộp bảng chấm điểm: không sửa được tiêu chí.")
        if self.pk and self.rubric_id and self.rubric.sheets.exists():
            stored = Criterion.objects.filter(pk=self.pk).values("max_points", "max_bonus", "rule").first()
            if stored and stored != {
                "max_points": self.max_points,
                "max_bonus": self.max_bonus,
                "rule": self.rule,
            }:
                raise ValidationError(
                    "Đã có đơn vị chấm điểm theo bảng tiêu chí này: không đổi được điểm chuẩn, điểm thưởng "
                    "hay cách tính của tiêu chí (chỉ sửa được nội dung chữ)."
                )
        if self.parent_id and self.parent.rubric_id != self.rubric_id:
            raise ValidationError({"parent": "Tiêu chí cha phải thuộc cùng bảng tiêu chí."})


class CriterionPartQuerySet(models.QuerySet):
    """Components and tiers are known by their criterion's natural key and their position."""

    def get_by_natural_key(self, bloc_code, year, *rest):
        round, (criterion_key, position) = split_natural_key(rest)
        return self.get(
            criterion__rubric__bloc__code=bloc_code,
            criterion__rubric__year=year,
            criterion__rubric__round=round,
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

    objects = CriterionPartQuerySet.as_manager()

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

    objects = CriterionPartQuerySet.as_manager()

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

    def clean(self):
        # No constraint reaches across tables: the criterion's maximum and the component's criterion.
        criterion = getattr(self, "criterion", None)  # unset: RelatedObjectDoesNotExist is an AttributeError
        errors = {}
        if criterion is not None and self.points is not None and self.points > criterion.max_points:
            errors["points"] = (
                f"Mức “{self.label}” {format_points(self.points)} điểm vượt điểm chuẩn "
                f"{format_points(criterion.max_points)} của tiêu chí {criterion.code}."
            )
        if self.component_id and criterion is not None and self.component.criterion_id != criterion.pk:
            errors["component"] = "Tổ chức được chấm phải thuộc chính tiêu chí này (cùng bảng tiêu chí)."
        if errors:
            raise ValidationError(errors)


class AwardRule(models.Model):
    """What the ranking proposes, in rank order: "Cờ thi đua" for at most 1, then "Bằng khen" for at most 20 %.

    Award rules change with each decree (Nghị định 152/2025 replaced 98/2023), so they are data.
    """

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="award_rules")
    position = models.PositiveSmallIntegerField("thứ tự")
    award = models.CharField("hình thức khen thưởng", max_length=200)
    max_count = models.PositiveSmallIntegerField("tối đa (số đơn vị)", null=True, blank=True)
    max_percent = models.DecimalField(
        "tối đa (% số thành viên)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_total = models.DecimalField(
        "tổng điểm tối thiểu", max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "đề nghị khen thưởng theo thứ hạng"
        verbose_name_plural = "đề nghị khen thưởng theo thứ hạng"
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "position"], name="scoring_one_award_rule_per_position")
        ]

    def __str__(self):
        return f"{self.position}. {self.award}"


class RoundEvent(AppendOnlyModel):
    """Closing and reopening of a year's round, with who, when and why."""

    class Action(models.TextChoices):
        CLOSE = "close", "Khóa sổ"
        REOPEN = "reopen", "Mở lại"

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="round_events")
    action = models.CharField("thao tác", max_length=10, choices=Action.choices)
    at = models.DateTimeField("lúc", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField("lý do", blank=True)

    class Meta:
        verbose_name = "khóa sổ / mở lại"
        verbose_name_plural = "khóa sổ / mở lại"
        ordering = ["rubric", "at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.rubric} lúc {self.at:%d/%m/%Y %H:%M}"
