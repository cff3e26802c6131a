"""Rules as code: packs of dated parameters, variables and named conditions, evaluated per case or per register.

Plain Python, no Django. `pack` loads and validates a pack, `expressions` is the formula language,
`simulation` evaluates a pack over arrays of entities (one case or a test situation), `ibis_engine`
compiles the same formulas to one Ibis expression over a whole register, `yaml_tests` runs OpenFisca-format tests.
"""
