"""Pure text analysis: normalise -> detect language -> detectors -> Analysis.

No I/O beyond loading the package's own data files once, no database; deterministic.
"""
