import matplotlib

matplotlib.use("Agg")  # no display in tests
