"""`mlpc lint`: policy rules over the compiled definition (and the YAML where needed).

Rules are small functions in rules_*.py, registered with their id, severity,
controls and help text in `registry.RULES`; `engine.lint` runs them under a
policy and the YAML's waivers; `reporters` render the findings (text, json,
sarif). Nothing here prints or touches the network.
"""
