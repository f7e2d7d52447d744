"""Print the modules the API reference documents: public modules of abm, analysis, scenarios."""

import pkgutil

import abm
import analysis
import scenarios

names = []
for package in (abm, analysis, scenarios):
    names.append(package.__name__)
    names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
              if not any(part.startswith("_") for part in m.name.split("."))]
print(" ".join(names))
