import LTPaperExchange
print("lt-paper-exchange: not yet")
