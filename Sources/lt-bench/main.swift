import LTCore
print("lt-bench: not yet")
