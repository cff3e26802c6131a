from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govcx.accounts"
    label = "accounts"
    verbose_name = "Accounts"
