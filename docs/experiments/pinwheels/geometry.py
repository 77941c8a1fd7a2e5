#!/usr/bin/env python3
"""Reference curves for issue 15's map targets on a 16x16 torus (numpy only; seconds).

Counts pinwheels, the mean neighbour orientation difference and the dominant wavelength exactly as
trainer/.../viz/OrientationMap.java does, for maps that are not learned:
  - the pinwheel lattice theta = arg(sin(2 pi f x / N) + i sin(2 pi f y / N)) / 2 with f = 2;
  - Gaussian random fields with a ring spectrum at k cycles per torus side (about pi pinwheels per
    squared wavelength, the cortex-like case), 40 maps per k;
  - maps relaxed by gradient descent on sum(1 - cos 2(theta_i - theta_j)) over torus neighbours
    (an XY model) from random fields: as pinwheels annihilate, the smallest neighbour difference
    seen at each pinwheel count, over 30 starts.
"""
import numpy as np

N = 16


def dstep(a, b):
    return np.remainder(2 * (b - a) + np.pi, 2 * np.pi) - np.pi


def pinwheels(o):
    b = np.roll(o, -1, 1)
    d = np.roll(b, -1, 0)
    e = np.roll(o, -1, 0)
    s = dstep(o, b) + dstep(b, d) + dstep(d, e) + dstep(e, o)
    return int(np.sum(np.round(s / (2 * np.pi)) != 0))


def ndiff(o):
    return np.degrees((np.abs(dstep(o, np.roll(o, -1, 1))).mean()
                       + np.abs(dstep(o, np.roll(o, -1, 0))).mean()) / 4)


def wavelength(o):
    n = o.shape[0]
    power = np.abs(np.fft.fft2(np.exp(2j * o))) ** 2
    power[0, 0] = 0
    f = np.fft.fftfreq(n)
    freq = np.hypot(f[None, :], f[:, None])
    bins = np.minimum(n, np.round(freq * n)).astype(int)
    peak = 1 + np.argmax(np.bincount(bins.ravel(), power.ravel(), minlength=n + 1)[1:])
    near = (np.abs(bins - peak) <= 1) & (power > 0)
    return power[near].sum() / (power[near] * freq[near]).sum()


def ring_field(rng, k, width=0.5):
    f = np.fft.fftfreq(N) * N
    radius = np.hypot(f[None, :], f[:, None])
    amplitude = rng.normal(size=(N, N)) + 1j * rng.normal(size=(N, N))
    return np.angle(np.fft.ifft2(amplitude * np.exp(-(radius - k) ** 2 / (2 * width ** 2)))) / 2


def main():
    c = np.arange(N) + 0.5
    s = np.sin(2 * np.pi * 2 * c / N)
    lattice = np.arctan2(s[:, None] * np.ones((1, N)), s[None, :] * np.ones((N, 1))) / 2
    L = wavelength(lattice)
    print("pinwheel lattice f=2: %d pinwheels, %.1f deg, wavelength %.1f, %.2f per wavelength^2"
          % (pinwheels(lattice), ndiff(lattice), L, pinwheels(lattice) * L * L / N / N))
    rng = np.random.default_rng(0)
    for k in (1.5, 2, 2.5, 3, 3.5):
        r = []
        for _ in range(40):
            o = ring_field(rng, k)
            L = wavelength(o)
            r.append((pinwheels(o), ndiff(o), L, pinwheels(o) * L * L / N / N))
        print("ring spectrum k=%.1f: %.1f pinwheels, %.1f deg, wavelength %.1f, %.2f per wavelength^2"
              % tuple([k] + list(np.mean(r, axis=0))))
    rng = np.random.default_rng(1)
    best = {}
    for _ in range(30):
        o = ring_field(rng, 4, 1)
        for _ in range(4000):
            g = np.zeros_like(o)
            for ax in (0, 1):
                for sh in (1, -1):
                    g -= np.sin(2 * (np.roll(o, sh, ax) - o))
            o = o - 0.05 * g
            p = pinwheels(o)
            if p not in best or ndiff(o) < best[p]:
                best[p] = ndiff(o)
            if p == 0:
                break
    for p in sorted(best):
        if p <= 32:
            print("XY-relaxed, %d pinwheels: smallest neighbour difference %.1f deg" % (p, best[p]))


if __name__ == "__main__":
    main()
