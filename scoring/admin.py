"""The administrators' pages: agencies, blocs per year, users' roles, and rubric editing."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.forms.models import BaseInlineFormSet

from . import models
from .models.agencies import NOT_A_MEMBER, elsewhere_message
from .rubrics.services import RubricNotReady, rubric_copy, rubric_open, shifted


@admin.register(models.Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "symbol", "head_title", "head_name", "is_active", "is_province_office"]
    list_filter = ["is_active", "is_province_office"]
    search_fields = ["code", "name"]


class BlocMemberFormSet(BaseInlineFormSet):
    """The members as they are about to be saved: none in another bloc that year, the leader and deputy
    among them (the bloc-year's own form cannot see them: see BlocYear.members_checked_by_form)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("agency") and not form.cleaned_data.get("DELETE")
        ]
        agency_ids = {form.cleaned_data["agency"].pk for form in kept}
        bloc_year = self.instance
        if bloc_year.year:
            elsewhere = models.BlocMember.objects.elsewhere(
                year=bloc_year.year, agency_ids=agency_ids, bloc_year_id=bloc_year.pk
            )
            for form in kept:
                if form.cleaned_data["agency"].pk in elsewhere:
                    form.add_error("agency", elsewhere_message(elsewhere[form.cleaned_data["agency"].pk]))
        problems = bloc_year.leader_errors(agency_ids)
        outside = [
            f"{bloc_year._meta.get_field(field).verbose_name.capitalize()} ({getattr(bloc_year, field)}) chưa "
            "có trong danh sách thành viên bên dưới: thêm cơ quan này vào danh sách hoặc chọn cơ quan khác."
            for field, message in problems.items()
            if message == NOT_A_MEMBER
        ]
        if outside:
            raise ValidationError(outside)


class BlocMemberInline(admin.TabularInline):
    model = models.BlocMember
    formset = BlocMemberFormSet
    extra = 1
    autocomplete_fields = ["agency"]


class BlocYearAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.members_checked_by_form = True  # by BlocMemberFormSet, against the members it saves


@admin.register(models.Bloc)
class BlocAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.BlocYear)
class BlocYearAdmin(admin.ModelAdmin):
    form = BlocYearAdminForm
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


@admin.action(description="Sao chép sang năm sau (căn cứ để trống)")
def copy_to_next_year(modeladmin, request, queryset):
    """Criteria, award rules and the deadline a year later; the legal basis is left empty, never kept
    silently (the province's setup pages ask for it)."""
    for rubric in queryset.select_related("bloc"):
        year = rubric.year + 1
        if rubric.round_kind.opened_from:  # next year's rubric is copied from the rubric this one came from
            modeladmin.message_user(
                request,
                f"Bỏ qua {rubric}: bảng {rubric.round_kind.named} không sao chép sang năm sau.",
                messages.WARNING,
            )
            continue
        try:
            new = rubric_copy(rubric=rubric, year=year, legal_basis="", deadline=shifted(rubric.deadline, 1))
        except IntegrityError:
            modeladmin.message_user(
                request, f"Khối {rubric.bloc.code} đã có bảng tiêu chí năm {year}.", messages.ERROR
            )
        else:
            modeladmin.message_user(
                request, f"Đã tạo {new} (đang soạn): hãy nhập căn cứ của năm {year}.", messages.WARNING
            )


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
    list_display = ["title", "bloc", "year", "round", "status", "deadline"]
    list_filter = ["year", "round", "bloc", "status"]
    # Closing and reopening a year are recorded from the bloc's board; opening a draft is an action here; a
    # six-month round is made from its year-end rubric on the setup page, and stays one.
    readonly_fields = ["status"]

    def get_readonly_fields(self, request, obj=None):
        # the round is chosen when the rubric is made (the form then checks bloc, year and round together)
        return [*self.readonly_fields, "round"] if obj is not None else self.readonly_fields

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

    list_display = ["bloc_year", "year", "kind", "status", "requested_by", "created_at", "finished_at"]
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


@admin.register(models.ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read only: jobs are made on the import pages and finished by the worker."""

    list_display = ["kind", "file_name", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in models.ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.AwardTitle)
class AwardTitleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(models.Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["agency", "bloc_year", "status", "submitted_at"]
    list_filter = ["status", "bloc_year__year"]
    readonly_fields = ["updated_at", "updated_by", "submitted_at", "submitted_by"]
    filter_horizontal = ["titles"]


@admin.register(models.Covenant)
class CovenantAdmin(admin.ModelAdmin):
    list_display = ["bloc_year", "deadline", "number", "signed_at", "signer_name"]
    # what was signed stays as signed: the signature is the app's to make (pledges.services.covenant_sign)
    readonly_fields = ["signed_pdf", "signed_at", "signed_by", "signer_name"]
