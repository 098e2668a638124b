"""The rubric editor: the province's administrator edits a year's rubric."""

from django.urls import path

from . import editor_views as rubric_editor

urlpatterns = [
    path("tinh/thiet-lap/bang-tieu-chi/<int:pk>/", rubric_editor.rubric_editor, name="rubric_editor"),
]
