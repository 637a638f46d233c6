"""Licensing data read from regulation texts: the EAR Country Chart, the licence requirements and
licence exceptions of each ECCN, country names and groups, the EU general export authorisations.

Pure functions over parsed documents or stored entries; storage is in indexer/licensing.py.
"""
