"""The page where an invited person sets their password (the invitation's link)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class InvitationView(auth_views.PasswordResetConfirmView):
    """Django's password-reset confirmation, for the link of an invitation; never for a locked account."""

    template_name = "registration/invitation.html"
    success_url = reverse_lazy("login")
    reset_url_token = "dat-mat-khau"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        messages.success(self.request, "Đã đặt mật khẩu. Xin đăng nhập bằng e-mail và mật khẩu vừa đặt.")
        return super().form_valid(form)
