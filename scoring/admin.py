"""The administrators' pages: agencies, blocs per year, users' roles, and rubric editing."""

from django.contrib import admin, messages
from django.db import IntegrityError

from . import models
from .rubrics.services import RubricNotReady, rubric_copy, rubric_open


@admin.register(models.Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "symbol", "head_title", "head_name", "is_active", "is_province_office"]
    list_filter = ["is_active", "is_province_office"]
    search_fields = ["code", "name"]


class BlocMemberInline(admin.TabularInline):
    model = models.BlocMember
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(models.Bloc)
class BlocAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.BlocYear)
class BlocYearAdmin(admin.ModelAdmin):
    list_display = ["bloc", "year", "leader", "deputy_leader"]
    list_filter = ["year", "bloc"]
    inlines = [BlocMemberInline]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["agency"]


class LockedWhenSubmitted:
    """Criteria of a rubric that agencies have submitted against are read-only; once agencies score against
    it (even in draft) none is deleted, and Criterion.clean keeps their points and rule."""

    def _rubric(self, obj):
        return getattr(obj, "rubric", None) or getattr(getattr(obj, "criterion", None), "rubric", None)

    def has_change_permission(self, request, obj=None):
        rubric = obj and self._rubric(obj)
        return super().has_change_permission(request, obj) and not (rubric and rubric.is_locked)

    def has_delete_permission(self, request, obj=None):
        rubric = obj and self._rubric(obj)
        return super().has_delete_permission(request, obj) and not (rubric and rubric.sheets.exists())


class TierInline(LockedWhenSubmitted, admin.TabularInline):
    model = models.Tier
    extra = 0
    fields = ["position", "component", "label", "points"]

    def get_formset(self, request, obj=None, **kwargs):
        self._criterion = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this criterion's own organisations are offered (Tier.clean refuses any other).
        if db_field.name == "component":
            kwargs["queryset"] = models.Component.objects.filter(criterion=getattr(self, "_criterion", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ComponentInline(LockedWhenSubmitted, admin.TabularInline):
    model = models.Component
    extra = 0


@admin.register(models.Criterion)
class CriterionAdmin(LockedWhenSubmitted, admin.ModelAdmin):
    list_display = ["key", "code", "short_text", "max_points", "max_bonus", "rule", "rubric"]
    list_filter = ["rubric", "rule"]
    search_fields = ["code", "text"]
    ordering = ["rubric", "position"]
    raw_id_fields = ["parent"]
    inlines = [ComponentInline, TierInline]

    @admin.display(description="nội dung")
    def short_text(self, obj):
        return obj.text[:90]


@admin.action(description="Sao chép sang năm sau (chỉ tiêu chí)")
def copy_to_next_year(modeladmin, request, queryset):
    for rubric in queryset:
        try:
            new = rubric_copy(rubric=rubric, year=rubric.year + 1)
        except IntegrityError:
            modeladmin.message_user(
                request, f"Khối {rubric.bloc.code} đã có bảng tiêu chí năm {rubric.year + 1}.", messages.ERROR
            )
        else:
            modeladmin.message_user(request, f"Đã tạo {new}.", messages.SUCCESS)


@admin.action(description="Mở cho các đơn vị chấm điểm (bảng đang soạn)")
def open_for_scoring(modeladmin, request, queryset):
    for rubric in queryset:
        try:
            rubric_open(rubric=rubric)
        except RubricNotReady as exc:
            modeladmin.message_user(
                request, f"Chưa mở được {rubric}: " + " ".join(exc.reasons), messages.ERROR
            )
        else:
            modeladmin.message_user(request, f"Đã mở {rubric} cho các đơn vị chấm điểm.", messages.SUCCESS)


class AwardRuleInline(admin.TabularInline):
    model = models.AwardRule
    extra = 0


class RoundEventInline(admin.TabularInline):
    """Closing and reopening happen on the bloc's board, where they are recorded; here they are shown."""

    model = models.RoundEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "at", "by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["title", "bloc", "year", "status", "deadline"]
    list_filter = ["year", "bloc", "status"]
    # Closing and reopening a year are recorded from the bloc's board; opening a draft is an action here.
    readonly_fields = ["status"]
    actions = [copy_to_next_year, open_for_scoring]
    inlines = [AwardRuleInline, RoundEventInline]


class TransitionInline(admin.TabularInline):
    model = models.SheetTransition
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Sheet)
class SheetAdmin(admin.ModelAdmin):
    list_display = ["agency", "rubric", "status", "submitted_at"]
    list_filter = ["status", "rubric__year"]
    readonly_fields = ["status", "version", "submitted_at", "submitted_by"]
    inlines = [TransitionInline]


@admin.register(models.ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read only: jobs are made on the board and finished by the worker; deleting one deletes its file."""

    list_display = ["bloc_year", "kind", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind", "bloc_year__year"]
    readonly_fields = [f.name for f in models.ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for job in queryset:
            job.file.delete(save=False)
        super().delete_queryset(request, queryset)
