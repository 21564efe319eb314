from django import forms

from xuncha.web import ChineseErrorsMixin

from .models import scope_model
from .roles import Role

# The scopes come from the domain app above the platform: reached through RoleAssignment's foreign keys
# (models.scope_model), not imported.


class LoginForm(ChineseErrorsMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=64)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, help_text="至少12位，包含大小写字母、数字、符号中的三类")


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    team = forms.ModelChoiceField(label="巡察组（组长、组员）", queryset=scope_model("team")._default_manager.select_related("round"), required=False)
    org = forms.ModelChoiceField(label="被巡察党组织（联络员）", queryset=scope_model("org")._default_manager.all(), required=False)
    body = forms.ModelChoiceField(label="接收单位（接收人）", queryset=scope_model("body")._default_manager.all(), required=False)
    office = forms.ModelChoiceField(label="巡察办（巡察办管理员；不选＝根巡察办，即全部）",
                                    queryset=scope_model("office")._default_manager.all(), required=False)


class TotpForm(ChineseErrorsMixin, forms.Form):
    code = forms.CharField(label="动态口令", max_length=8,
                           widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}),
                           help_text="验证器应用（如手机上的身份验证器）显示的6位数字")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}))
    new_password = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text="至少12位，包含大小写字母、数字、符号中的三类")
    new_password2 = forms.CharField(label="再次输入新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, str]:
        data: dict[str, str] = super().clean() or {}
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data
