"""Random situations computed by OpenFisca itself (openfisca-core with the country template, in its own
environment) pass through `govcx proactive test` with no error margin: the port, the rule language and the
YAML runner give OpenFisca's numbers."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

HERE = Path(__file__).parent
PERSON_OUTPUTS = ["age", "basic_income", "pension", "income_tax", "social_security_contribution"]
HOUSEHOLD_OUTPUTS = ["household_income", "parenting_allowance", "housing_allowance", "disposable_income",
                     "total_taxes", "total_benefits", "meal_price", "swimming_pool_access"]


def situations(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        period = rng.choice(["2015-12", "2016-11", f"{rng.randint(2016, 2025)}-{rng.randint(1, 12):02d}"])
        year = period[:4]
        households, persons, outputs = {}, {}, []
        for h in range(rng.randint(1, 3)):
            names = [f"p{h}{k}" for k in range(rng.randint(1, 5))]
            adults = min(len(names), rng.randint(1, 2))
            household = {"adults": names[:adults], "children": names[adults:]}
            if rng.random() < 0.7:
                household["rent"] = rng.choice([0, 300, 450.5, 800])
            if rng.random() < 0.7:
                household["accommodation_size"] = {f"{year}-01": rng.randint(10, 300)}
            if rng.random() < 0.5:
                household["housing_occupancy_status"] = {
                    f"{year}-01": rng.choice(["owner", "tenant", "free_lodger", "homeless"])}
            households[f"h{h}"] = household
            for name in names:
                person = {"birth": f"{rng.randint(1940, int(year))}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
                draw = rng.random()
                if draw < 0.4:
                    person["salary"] = rng.choice([0, 100, 250, 250.5, 1200, 4000, 15000])
                elif draw < 0.6:
                    person["salary"] = {year: rng.choice([0, 1200, 60000])}
                if rng.random() < 0.3:
                    person["capital_returns"] = rng.choice([0, 50, 1000])
                persons[name] = person
                outputs += [["persons", name, v, period] for v in PERSON_OUTPUTS]
            outputs += [["households", f"h{h}", v, period] for v in HOUSEHOLD_OUTPUTS]
            outputs.append(["households", f"h{h}", "housing_tax", year])
        cases.append({"name": f"situation {index}", "period": period,
                      "input": {"households": households, "persons": persons}, "outputs": outputs})
    return cases


@pytest.mark.one_database
def test_openfisca_computed_situations_pass(tmp_path, capsys, openfisca_python):
    cases = situations(40, seed=14)
    done = subprocess.run([str(openfisca_python), str(HERE / "openfisca_oracle.py")], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    tests = json.loads(done.stdout)
    for test in tests:
        test["absolute_error_margin"] = 0
    file = tmp_path / "openfisca_situations.yaml"
    file.write_text(yaml.safe_dump(tests, allow_unicode=True, sort_keys=False), encoding="utf-8")
    call_command("proactive", "test", "--pack", str(HERE / "country_template"), str(file))
    assert "40 passed, 0 failed" in capsys.readouterr().out

