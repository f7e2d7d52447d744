"""Analysis of simulated and real data: consumes DataFrames, steps the model only through `abm.simulate`."""
