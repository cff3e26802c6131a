from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govcx.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out  # type: ignore[import-untyped]  # django-axes ships no types

        from govcx.accounts.lockout import log_lockout

        user_locked_out.connect(log_lockout, dispatch_uid="govcx.accounts.log_lockout")
