"""Regulation profiles (rules as data, each citing its clause) and the working-day calendar."""
