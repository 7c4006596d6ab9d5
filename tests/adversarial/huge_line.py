# Attack: print one line of 50 million characters (a line limit does not stop it).
# Inject: append
# Status: output
# Passes: all
# Message: printed more than
print("x" * 50_000_000)
