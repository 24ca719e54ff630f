/* pyround.h - Python's round(x, n), fast enough for the hot path.
 *
 * The continuous model rounds up to 8 values of every sample as the seed
 * does (round(v, 2), round(v, 4)). pyfmt_round() is the exact reference
 * (it works on the decimal expansion); py_round() answers from one
 * multiplication when the result cannot differ from it, and asks
 * pyfmt_round() otherwise.
 */
#ifndef TSL_PYROUND_H
#define TSL_PYROUND_H

/** Python round(x, nd) (correctly rounded, ties to even on the exact
 *  binary value, -0.0 kept), equal to pyfmt_round(x, nd) for every x. */
double py_round(double x, int nd);

#endif
