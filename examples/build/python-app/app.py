"""Example app for examples/build/python.yaml: prints one line and exits 0."""
import sys

from greeting import greeting

print(greeting(sys.implementation.name, sys.version.split()[0]))
