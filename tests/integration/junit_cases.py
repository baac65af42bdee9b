#!/usr/bin/python3
"""Reads a JUnit XML file with python3-junitparser (a real JUnit consumer) and prints one line
per test case: CLASSNAME NAME RESULT, RESULT being pass, failure, error or skipped. Then a line
'suites N tests N failures N errors N' from the consumer's own counters."""
import sys

from junitparser import Error, Failure, JUnitXml, Skipped

xml = JUnitXml.fromfile(sys.argv[1])
suites = tests = failures = errors = 0
for suite in xml:
    suites += 1
    tests += suite.tests
    failures += suite.failures
    errors += suite.errors
    for case in suite:
        kinds = [type(r) for r in case.result]
        result = "pass"
        if Failure in kinds:
            result = "failure"
        elif Error in kinds:
            result = "error"
        elif Skipped in kinds:
            result = "skipped"
        print(case.classname, case.name, result)
print("suites", suites, "tests", tests, "failures", failures, "errors", errors)
