//! Double-double arithmetic (~106-bit mantissa), the reference of far-out distances:
//! error-free sums (TwoSum) and products (through `mul_add`), Newton steps for
//! division and square root.

#[derive(Clone, Copy, Debug)]
pub struct Dd(pub f64, pub f64);

fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let bb = s - a;
    Dd(s, (a - (s - bb)) + (b - bb))
}

fn quick(a: f64, b: f64) -> Dd {
    let s = a + b;
    Dd(s, b - (s - a))
}

impl Dd {
    pub fn from(x: f64) -> Dd {
        Dd(x, 0.0)
    }
    pub fn add(self, o: Dd) -> Dd {
        let s = two_sum(self.0, o.0);
        let t = two_sum(self.1, o.1);
        let s = quick(s.0, s.1 + t.0);
        quick(s.0, s.1 + t.1)
    }
    pub fn neg(self) -> Dd {
        Dd(-self.0, -self.1)
    }
    pub fn sub(self, o: Dd) -> Dd {
        self.add(o.neg())
    }
    pub fn mul(self, o: Dd) -> Dd {
        let p = self.0 * o.0;
        let e = self.0.mul_add(o.0, -p);
        quick(p, e + (self.0 * o.1 + self.1 * o.0))
    }
    pub fn div(self, o: Dd) -> Dd {
        let q1 = self.0 / o.0;
        let r = self.sub(o.mul(Dd::from(q1)));
        let q2 = r.0 / o.0;
        let r = r.sub(o.mul(Dd::from(q2)));
        let q3 = r.0 / o.0;
        quick(q1, q2).add(Dd::from(q3))
    }
    pub fn sqrt(self) -> Dd {
        if self.0 <= 0.0 {
            return Dd::from(0.0);
        }
        let x = Dd::from(self.0.sqrt());
        // One Newton step doubles the precision: x + (a - x^2) / (2x).
        x.add(self.sub(x.mul(x)).div(x.add(x)))
    }
}

/// The hyperbolic distance of two points given by the spatial coordinates of their
/// hyperboloid coordinates (`x0` recomputed as `sqrt(1 + |x|^2)`, as the index
/// projects), through the Poincare argument `|p - q|^2 w_p w_q` in double-double.
pub fn distance(x: &[f64], y: &[f64]) -> f64 {
    let image = |x: &[f64]| -> (Vec<Dd>, Dd) {
        let mut s = Dd::from(1.0);
        for v in x {
            s = s.add(Dd::from(*v).mul(Dd::from(*v)));
        }
        let den = Dd::from(1.0).add(s.sqrt());
        let p = x.iter().map(|v| Dd::from(*v).div(den)).collect();
        (p, den.mul(Dd::from(0.5)))
    };
    let (p, wp) = image(&x[1..]);
    let (q, wq) = image(&y[1..]);
    let mut s = Dd::from(0.0);
    for (a, b) in p.iter().zip(&q) {
        let d = a.sub(*b);
        s = s.add(d.mul(d));
    }
    let arg = s.mul(wp).mul(wq);
    // arcosh(1 + 2 arg) = ln(1 + t + sqrt(t (t + 2))), t = 2 arg; f64 from here on
    // (relative error ~1e-16, no cancellation for t >= 0).
    let t = 2.0 * (arg.0 + arg.1);
    (t + (t * (t + 2.0)).sqrt()).ln_1p()
}
