import LTChain
