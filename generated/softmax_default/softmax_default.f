softmax_default.v
