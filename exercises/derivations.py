# Exercise file: replace every TODO with your code, then run `backprop check`.
r"""Derivation questions: write each gradient as a formula in a string.

Replace every `...` with your answer in quotes, then run `backprop check` (or check one answer
with `backprop answer QUESTION "EXPR"`; `backprop questions` lists them all). Each answer is read
back to you the way the checker understood it, before its verdict.

How to type a formula (numpy-like, the way you write the code):
    @            matrix product                  W1 @ X
    *            elementwise product (the ⊙)     U * V    (also number * matrix)
    /            division                        1/m * E
    ** or ^      power (elementwise)             A**2
    .T           transpose                       X.T
    ones         the notes' 1-vector, (m, 1)     E @ ones
    sum(E, axis=1)   row sums, shape (rows, 1)   (the same as E @ ones); sum(E) sums everything
    functions    sigmoid, relu, tanh, exp, log, step (relu's derivative; or write (Z > 0))
No broadcasting: shapes must match, except a number times anything and a bias column (k, 1)
added to a (k, m) matrix. Names are case-sensitive; m is the number of examples.

LaTeX is accepted too (in a raw string), e.g. r"\frac{1}{m}(U \odot V)W_1^\top":
\frac, \hat{y}, ^\top or ^T (transpose), \odot (elementwise), \cdot or juxtaposition
(product), \sigma(...), \tanh, \exp, \log, e^{...}, W_1, \vec{1}. A bare e, or ^T in a
scalar question, is rejected as ambiguous.
"""

# ================================================================================================
# univariate regression
# Forward: yhat = w x + b,  L = (1/m) ||yhat - y||^2

# univariate_dw (1 point): Derive dL/dw.
# Symbols: x (1, m); y (1, m); w scalar; b scalar; yhat (1, m); m; ones (m, 1).
# Answer shape: a scalar
univariate_dw = ...  # TODO: your answer

# univariate_db (1 point): Derive dL/db.
# Symbols: x (1, m); y (1, m); w scalar; b scalar; yhat (1, m); m; ones (m, 1).
# Answer shape: a scalar
univariate_db = ...  # TODO: your answer

# ================================================================================================
# multivariate regression
# Forward: yhat = w X + b,  L = (1/m) ||yhat - y||^2

# multivariate_dw (1 point): Derive dL/dw.
# Symbols: X (n, m); y (1, m); w (1, n); b scalar; yhat (1, m); m; ones (m, 1).
# Answer shape: (1, n)
multivariate_dw = ...  # TODO: your answer

# multivariate_db (1 point): Derive dL/db.
# Symbols: X (n, m); y (1, m); w (1, n); b scalar; yhat (1, m); m; ones (m, 1).
# Answer shape: a scalar
multivariate_db = ...  # TODO: your answer

# ================================================================================================
# two layer linear
# Forward: Z = W1 X + b1,  yhat = w2 Z + b2,  L = (1/m) ||yhat - y||^2

# two_layer_linear_dW1 (1 point): Derive dL/dW1.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); yhat (1, m);
# m; ones (m, 1).
# Answer shape: (k, n)
two_layer_linear_dW1 = ...  # TODO: your answer

# two_layer_linear_db1 (1 point): Derive dL/db1.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); yhat (1, m);
# m; ones (m, 1).
# Answer shape: (k, 1)
two_layer_linear_db1 = ...  # TODO: your answer

# two_layer_linear_dw2 (1 point): Derive dL/dw2.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); yhat (1, m);
# m; ones (m, 1).
# Answer shape: (1, k)
two_layer_linear_dw2 = ...  # TODO: your answer

# two_layer_linear_db2 (1 point): Derive dL/db2.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); yhat (1, m);
# m; ones (m, 1).
# Answer shape: a scalar
two_layer_linear_db2 = ...  # TODO: your answer

# ================================================================================================
# two layer sigmoid
# Forward: Z = W1 X + b1,  A = sigmoid(Z),  yhat = w2 A + b2,  L = (1/m) ||yhat - y||^2

# two_layer_sigmoid_dW1 (2 points): Derive dL/dW1.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); A (k, m);
# yhat (1, m); m; ones (m, 1).
# Answer shape: (k, n)
two_layer_sigmoid_dW1 = ...  # TODO: your answer

# two_layer_sigmoid_db1 (1 point): Derive dL/db1.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); A (k, m);
# yhat (1, m); m; ones (m, 1).
# Answer shape: (k, 1)
two_layer_sigmoid_db1 = ...  # TODO: your answer

# two_layer_sigmoid_dw2 (1 point): Derive dL/dw2.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); A (k, m);
# yhat (1, m); m; ones (m, 1).
# Answer shape: (1, k)
two_layer_sigmoid_dw2 = ...  # TODO: your answer

# two_layer_sigmoid_db2 (1 point): Derive dL/db2.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z (k, m); A (k, m);
# yhat (1, m); m; ones (m, 1).
# Answer shape: a scalar
two_layer_sigmoid_db2 = ...  # TODO: your answer

# ================================================================================================
# logistic regression
# Forward: Z = w X + b,  yhat = sigmoid(Z),  L = -(1/m) sum(y log(yhat) + (1 - y) log(1 - yhat))

# logistic_dZ (1 point): Derive dL/dZ.
# Symbols: X (n, m); y (1, m); w (1, n); b scalar; Z (1, m); yhat (1, m); m; ones (m, 1).
# Answer shape: (1, m)
logistic_dZ = ...  # TODO: your answer

# logistic_dw (1 point): Derive dL/dw (you may use dZ = dL/dZ).
# Symbols: X (n, m); y (1, m); w (1, n); b scalar; Z (1, m); yhat (1, m); dZ (1, m); m; ones (m,
# 1).
# Answer shape: (1, n)
logistic_dw = ...  # TODO: your answer

# logistic_db (1 point): Derive dL/db (you may use dZ = dL/dZ).
# Symbols: X (n, m); y (1, m); w (1, n); b scalar; Z (1, m); yhat (1, m); dZ (1, m); m; ones (m,
# 1).
# Answer shape: a scalar
logistic_db = ...  # TODO: your answer

# ================================================================================================
# two layer perceptron
# Forward: Z1 = W1 X + b1,  A1 = relu(Z1),  Z2 = w2 A1 + b2,  yhat = sigmoid(Z2),
#          L = -(1/m) sum(y log(yhat) + (1 - y) log(1 - yhat))

# perceptron_dZ2 (1 point): Derive dL/dZ2.
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z1 (k, m); A1 (k, m);
# Z2 (1, m); yhat (1, m); m; ones (m, 1).
# Answer shape: (1, m)
perceptron_dZ2 = ...  # TODO: your answer

# perceptron_dw2 (1 point): Derive dL/dw2 (you may use dZ2).
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z1 (k, m); A1 (k, m);
# Z2 (1, m); yhat (1, m); dZ2 (1, m); m; ones (m, 1).
# Answer shape: (1, k)
perceptron_dw2 = ...  # TODO: your answer

# perceptron_db2 (1 point): Derive dL/db2 (you may use dZ2).
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z1 (k, m); A1 (k, m);
# Z2 (1, m); yhat (1, m); dZ2 (1, m); m; ones (m, 1).
# Answer shape: a scalar
perceptron_db2 = ...  # TODO: your answer

# perceptron_dA1 (1 point): Derive dL/dA1 (you may use dZ2).
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z1 (k, m); A1 (k, m);
# Z2 (1, m); yhat (1, m); dZ2 (1, m); m; ones (m, 1).
# Answer shape: (k, m)
perceptron_dA1 = ...  # TODO: your answer

# perceptron_dZ1 (1 point): Derive dL/dZ1 (you may use dZ2, dA1).
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z1 (k, m); A1 (k, m);
# Z2 (1, m); yhat (1, m); dA1 (k, m); dZ2 (1, m); m; ones (m, 1).
# Answer shape: (k, m)
perceptron_dZ1 = ...  # TODO: your answer

# perceptron_dW1 (1 point): Derive dL/dW1 (you may use dZ2, dA1, dZ1).
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z1 (k, m); A1 (k, m);
# Z2 (1, m); yhat (1, m); dA1 (k, m); dZ1 (k, m); dZ2 (1, m); m; ones (m, 1).
# Answer shape: (k, n)
perceptron_dW1 = ...  # TODO: your answer

# perceptron_db1 (1 point): Derive dL/db1 (you may use dZ2, dA1, dZ1).
# Symbols: X (n, m); y (1, m); W1 (k, n); b1 (k, 1); w2 (1, k); b2 scalar; Z1 (k, m); A1 (k, m);
# Z2 (1, m); yhat (1, m); dA1 (k, m); dZ1 (k, m); dZ2 (1, m); m; ones (m, 1).
# Answer shape: (k, 1)
perceptron_db1 = ...  # TODO: your answer

# ================================================================================================
# scalar derivatives

# scalar_power (1 point): f(x) = x**5. Derive df/dx.
# Symbols: x scalar.
scalar_power = ...  # TODO: your answer

# scalar_exp (1 point): f(x) = exp(3x). Derive df/dx.
# Symbols: x scalar.
scalar_exp = ...  # TODO: your answer

# scalar_log (1 point): f(x) = log(x^2 + 1). Derive df/dx.
# Symbols: x scalar.
scalar_log = ...  # TODO: your answer

# scalar_sigmoid (1 point): f(x) = sigmoid(x) = 1 / (1 + exp(-x)). Derive df/dx.
# Symbols: x scalar.
scalar_sigmoid = ...  # TODO: your answer

# scalar_tanh (1 point): f(x) = tanh(x). Derive df/dx.
# Symbols: x scalar.
scalar_tanh = ...  # TODO: your answer

# scalar_relu (1 point): f(x) = relu(x) = max(0, x). Derive df/dx for x != 0 (step(u) is 1
# where u > 0, else 0).
# Symbols: x scalar.
scalar_relu = ...  # TODO: your answer

# scalar_product (1 point): f(x) = x^3 log(x). Derive df/dx.
# Symbols: x scalar.
scalar_product = ...  # TODO: your answer

# scalar_quotient (1 point): f(x) = exp(x) / (1 + x^2). Derive df/dx.
# Symbols: x scalar.
scalar_quotient = ...  # TODO: your answer

# scalar_chain (1 point): f(w) = sigmoid(w x + b) (x, b constants). Derive df/dw.
# Symbols: x scalar; w scalar; b scalar.
scalar_chain = ...  # TODO: your answer

# mse_dyhat (1 point): L = (yhat - y)^2 for one example. Derive dL/dyhat.
# Symbols: y scalar; yhat scalar.
mse_dyhat = ...  # TODO: your answer

# mse_dz (1 point): L = (yhat - y)^2 with yhat = sigmoid(z). Derive dL/dz.
# Symbols: y scalar; yhat scalar: yhat = sigmoid(z); z scalar.
mse_dz = ...  # TODO: your answer

# cross_entropy_dyhat (1 point): L = -(y log(yhat) + (1 - y) log(1 - yhat)). Derive dL/dyhat.
# Symbols: y scalar; yhat scalar.
cross_entropy_dyhat = ...  # TODO: your answer

# cross_entropy_dz (1 point): L = -(y log(yhat) + (1 - y) log(1 - yhat)) with yhat = sigmoid(z).
# Derive dL/dz.
# Symbols: y scalar; yhat scalar: yhat = sigmoid(z); z scalar.
cross_entropy_dz = ...  # TODO: your answer
