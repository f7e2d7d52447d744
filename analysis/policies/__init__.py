"""Policy experiments at the calibrated economy (`abm policies`, docs/POLICIES.md).

Each lever the paper names is a documented difference from the calibrated parameters,
run over common seeds against the unchanged economy.
"""
