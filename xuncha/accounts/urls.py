from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.login_totp, name="login_totp"),
    path("totp/", views.totp_setup, name="totp_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/password-reset/", views.user_password_reset, name="user_password_reset"),
]
