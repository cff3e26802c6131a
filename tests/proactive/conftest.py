from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from tests.conftest import make_user

from govcx.accounts.roles import Role

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def openfisca_python():
    """The python of OpenFisca's own environment (see openfisca_env.py); skips the test when it cannot be made."""
    spec = importlib.util.spec_from_file_location("openfisca_env", HERE / "openfisca_env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    python, reason = module.openfisca_python()
    if python is None:
        pytest.skip(reason)
    return python


@pytest.fixture
def officers(reference_data):
    """The proactive officers of Ministry A ("a") and of the Tula region ("b")."""
    return {"a": make_user("proactive-a", Role.PROACTIVE_OFFICER, reference_data["ministry"]),
            "b": make_user("proactive-b", Role.PROACTIVE_OFFICER, reference_data["region"])}
