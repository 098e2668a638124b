"""An invitation's link: the invited person sets their password."""

from django.urls import path

from . import views as accounts

urlpatterns = [
    path("moi/<uidb64>/<token>/", accounts.InvitationView.as_view(), name="invitation"),
]
