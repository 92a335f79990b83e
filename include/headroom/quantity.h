/* quantity.h - Kubernetes resource quantities ("500m", "512Mi", "2k",
 * "1.5e3") as the API server reads them.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource, quantity.go):
 *
 *     quantity ::= sign? number suffix
 *     number   ::= digits | digits "." digits? | "." digits
 *     suffix   ::= ""                                   (x 1)
 *                | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E"
 *                                                      (decimal SI: 1e-9 .. 1e18)
 *                | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" (binary: 2^10 .. 2^60)
 *                | ("e" | "E") sign? digits             (decimal exponent)
 *
 * "1E" is 10^18 (exa) while "1E3" is 1000: a suffix longer than one
 * character that starts with e or E is an exponent. No spaces, no other
 * units ("1K", "1ki", "1Gb" are errors). The value is returned as a
 * double the way AsApproximateFloat64 computes it for a decimal quantity of
 * up to 18 digits: mantissa x 10^scale, with 10^-k as 1 / 10^k, so "0.7"
 * reads as 0.7000000000000001 exactly as the controller reads a tolerance;
 * other quantities (binary suffixes, more digits) are the correctly
 * rounded product. Kubernetes' rounding of sub-nano precision up to 1n does
 * not change a value at any scale a capacity model uses. */
#ifndef HEADROOM_QUANTITY_H
#define HEADROOM_QUANTITY_H

/* Parse text into *out. Returns HR_OK, or HR_EINVAL for anything that is not
 * a quantity (including values that overflow a double). */
int hr_quantity_parse(const char *text, double *out);

#endif
