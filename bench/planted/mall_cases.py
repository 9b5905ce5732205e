"""The mall cases."""
CASES: list = []
