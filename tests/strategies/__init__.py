"""
Hypothesis strategies for cartnorm's tests, all in this one package.

House rule: a new model field or vendor field is not done until a strategy here generates it.
``canonical`` builds Trackstar cart orders; each vendor module builds that vendor's payloads.
"""
