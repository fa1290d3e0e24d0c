"""The ``poam`` command line: parse arguments, call the core, render. Nothing else."""
