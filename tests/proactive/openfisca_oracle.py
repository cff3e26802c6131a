"""Run inside an environment that has openfisca-core and the country template (never the project's own):
read random situations (JSON on stdin: a list of {period, input, outputs: [[entity_plural, id, variable, period]]})
and print the same list with the values OpenFisca computes, as YAML tests in OpenFisca's format.

AGPL code is only called from this separate process; govcx never imports it.
"""

import json
import sys

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_country_template import CountryTaxBenefitSystem


def main() -> None:
    system = CountryTaxBenefitSystem()
    cases = json.load(sys.stdin)
    tests = []
    for case in cases:
        builder = SimulationBuilder()
        builder.set_default_period(case["period"])
        simulation = builder.build_from_dict(system, case["input"])
        output: dict = {}
        for plural, entity_id, variable, period in case["outputs"]:
            ids = next(p.ids for p in simulation.populations.values() if p.entity.plural == plural)
            values = simulation.calculate(variable, period)
            value = values[list(ids).index(entity_id)]
            if hasattr(values, "decode_to_str"):
                value = values.decode_to_str()[list(ids).index(entity_id)]
            elif isinstance(value, np.floating):
                value = float(value)
            elif isinstance(value, (np.integer, np.bool_)):
                value = value.item()
            output.setdefault(plural, {}).setdefault(entity_id, {}).setdefault(variable, {})[period] = value
        tests.append({"name": case["name"], "period": case["period"], "input": case["input"], "output": output})
    json.dump(tests, sys.stdout, default=str)


if __name__ == "__main__":
    main()
