/**
 * One simulated subject on the template (spec §5.4): medial-temporal atrophy, cortical thinning
 * with sulcal widening, ventricular enlargement, a smooth subject deformation, then the site's
 * tissue contrast, blur, bias field, Rician noise, scale and offset. All maps are handled at the
 * output resolution (partial-volume fractions box-averaged from the 1 mm template), which keeps a
 * 64×64 two-slice subject near a millisecond.
 */
import type { SeededRandom } from '../../ml/random';
import { AD, AD_LOSS, AGEING, INTENSITY_DIVISOR, MODES, SITES, SUBJECT } from './defaults';
import type { SiteParams } from './defaults';
import { bilinear, sigmaForArea, ventricleMap, type BrainTemplate } from './template';

export interface SubjectSpec {
  age: number;
  site: number;
  diagnosis: 0 | 1;
  /** AD-like severity (0 for controls). */
  severity: number;
}

export interface Morphometrics {
  /** Lateral-ventricle area on slice V (k 94), mm². */
  ventricleArea: number;
  /** Hippocampal (AAL 37/38) GM on slice H (k 58), mm². */
  hippocampusGm: number;
  /** Cortical GM summed over the generated slices, mm². */
  cortexGm: number;
  /** Cortical GM in labels outside the AD-like pattern (e.g. frontal, occipital), mm². */
  unaffectedCortexGm: number;
  /** Total GM / CSF / WM summed over the generated slices, mm². */
  gm: number;
  csf: number;
  wm: number;
}

export interface GeneratorOptions {
  /** Slice k indices, one channel each. */
  slices: readonly number[];
  deformRmsMm: number;
  /** Early ventricle growth per decade (1.2 = +20 %/decade). */
  ventricleEarlyPerDecade: number;
  /**
   * Strength of the scanner effects, h ∈ [0, 1] (default 1): each site's noise, INU, blur, tissue
   * ratios, scale and offset become mean + h·(site − mean), the share-weighted mean over sites;
   * ComBat's additive and multiplicative site terms scaled by h (spec §4.1).
   */
  siteEffect?: number;
}

/** A site's scanner parameters pulled towards the across-site mean (see GeneratorOptions.siteEffect). */
export function scaledSite(site: SiteParams, h: number): SiteParams {
  // h = 1 returns the site itself, so the default data stay bit for bit what they were.
  if (h === 1) return site;
  const total = SITES.reduce((a, s) => a + s.share, 0);
  const mean = (key: keyof SiteParams) =>
    SITES.reduce((a, s) => a + s.share * (s[key] as number), 0) / total;
  const pull = (key: 'noise' | 'inu' | 'blurMm' | 'gmWm' | 'csfWm' | 'scale' | 'offset') =>
    mean(key) + h * (site[key] - mean(key));
  return {
    ...site,
    noise: pull('noise'),
    inu: pull('inu'),
    blurMm: pull('blurMm'),
    gmWm: pull('gmWm'),
    csfWm: pull('csfWm'),
    scale: pull('scale'),
    offset: pull('offset'),
  };
}

/** Lateral-ventricle volume relative to age 20 (spec §2.2(1)). */
export function ventricleVolumeFactor(age: number, earlyPerDecade: number = 1.2): number {
  const { breakAge, latePerYearRel } = AGEING.ventricle;
  if (age <= breakAge) return Math.pow(earlyPerDecade, (age - 20) / 10);
  return Math.pow(earlyPerDecade, (breakAge - 20) / 10) + latePerYearRel * (age - breakAge);
}

/** Fraction of cortical GM kept (spec §2.2(2)). */
export function cortexKeep(age: number): number {
  return Math.exp(-AGEING.cortexKeepRatePerYear * (age - 20));
}

/** Hippocampal volume relative to age 20: exp(−∫ r) with the piecewise loss rate (spec §2.2(6)). */
export function hippocampusKeep(age: number, scale = 1): number {
  const { rateYoung, rampStart, rampEnd, rateOld } = AGEING.hippocampus;
  const slope = (rateOld - rateYoung) / (rampEnd - rampStart);
  let integral: number;
  if (age <= rampStart) integral = rateYoung * (age - 20);
  else if (age <= rampEnd) {
    const t = age - rampStart;
    integral = rateYoung * (rampStart - 20) + rateYoung * t + 0.5 * slope * t * t;
  } else {
    const t = rampEnd - rampStart;
    integral =
      rateYoung * (rampStart - 20) +
      rateYoung * t +
      0.5 * slope * t * t +
      rateOld * (age - rampEnd);
  }
  return Math.exp(-scale * Math.max(0, integral));
}

// Acklam's rational approximation of the inverse normal CDF: one uniform per normal.
function fastNormal(rng: SeededRandom): number {
  let p = rng.next();
  if (p < 1e-12) p = 1e-12;
  if (p > 0.02425 && p < 0.97575) {
    const q = p - 0.5;
    const r = q * q;
    return (
      ((((((-39.69683028665376 * r + 220.9460984245205) * r - 275.9285104469687) * r +
        138.357751867269) *
        r -
        30.66479806614716) *
        r +
        2.506628277459239) *
        q) /
      (((((-54.47609879822406 * r + 161.5858368580409) * r - 155.6989798598866) * r +
        66.80131188771972) *
        r -
        13.28068155288572) *
        r +
        1)
    );
  }
  const tail = p < 0.5 ? p : 1 - p;
  const q = Math.sqrt(-2 * Math.log(tail));
  const v =
    (((((-0.007784894002430293 * q - 0.3223964580411365) * q - 2.400758277161838) * q -
      2.549732539343734) *
      q +
      4.374664141464968) *
      q +
      2.938163982698783) /
    ((((0.007784695709041462 * q + 0.3224671290700398) * q + 2.445134137142996) * q +
      3.754408661907416) *
      q +
      1);
  return p < 0.5 ? v : -v;
}

function lerp4(
  a: Float32Array,
  i: number,
  size: number,
  w00: number,
  w01: number,
  w10: number,
  w11: number,
): number {
  return (
    (a[i] as number) * w00 +
    (a[i + 1] as number) * w01 +
    (a[i + size] as number) * w10 +
    (a[i + size + 1] as number) * w11
  );
}

/** Φ⁻¹((i + ½) / 65536): two normals per 32-bit draw for the per-pixel Rician noise. */
let normalTable: Float32Array | null = null;
function getNormalTable(): Float32Array {
  if (normalTable) return normalTable;
  const t = new Float32Array(65536);
  const fake = { next: () => 0 } as unknown as SeededRandom;
  for (let i = 0; i < 65536; i++) {
    const u = (i + 0.5) / 65536;
    fake.next = () => u;
    t[i] = fastNormal(fake);
  }
  normalTable = t;
  return t;
}

interface Scratch {
  size: number;
  cos5: Float32Array; // [k * size + x], k = 0..4
  radialW: Float32Array;
  ux: Float32Array;
  uy: Float32Array;
  bias: Float32Array;
  img: Float32Array;
  tmp: Float32Array;
  pc: Float32Array;
  pg: Float32Array;
  pw: Float32Array;
  cg: Float32Array;
  w: Float32Array;
  inside: Uint8Array;
  list: Int32Array;
  unaff: Float32Array;
}

const scratchBySize = new Map<number, Scratch>();
function scratch(size: number, mm: number): Scratch {
  let s = scratchBySize.get(size);
  if (s) return s;
  const M = size * size;
  const cos5 = new Float32Array(5 * size);
  for (let k = 0; k < 5; k++) {
    for (let x = 0; x < size; x++) cos5[k * size + x] = Math.cos((Math.PI * k * (x + 0.5)) / size);
  }
  const radialW = new Float32Array(M);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c, y - c) * mm;
      radialW[y * size + x] = 0.5 + 0.5 * Math.min(1, r / 70);
    }
  }
  s = {
    size,
    cos5,
    radialW,
    ux: new Float32Array(M),
    uy: new Float32Array(M),
    bias: new Float32Array(M),
    img: new Float32Array(M),
    tmp: new Float32Array(M),
    pc: new Float32Array(M),
    pg: new Float32Array(M),
    pw: new Float32Array(M),
    cg: new Float32Array(M),
    w: new Float32Array(M),
    inside: new Uint8Array(M),
    list: new Int32Array(M),
    unaff: new Float32Array(M),
  };
  scratchBySize.set(size, s);
  return s;
}

/** Sum over (kx, ky) in 0..K of coef[kx][ky]·cos_kx(x)·cos_ky(y), evaluated on the whole grid. */
function evalCosineField(sc: Scratch, coef: Float32Array, K: number, out: Float32Array): void {
  const { size, cos5 } = sc;
  const row = new Float32Array(K + 1);
  for (let y = 0; y < size; y++) {
    for (let kx = 0; kx <= K; kx++) {
      let acc = 0;
      for (let ky = 0; ky <= K; ky++)
        acc += (coef[kx * (K + 1) + ky] as number) * (cos5[ky * size + y] as number);
      row[kx] = acc;
    }
    for (let x = 0; x < size; x++) {
      let acc = 0;
      for (let kx = 0; kx <= K; kx++) acc += (row[kx] as number) * (cos5[kx * size + x] as number);
      out[y * size + x] = acc;
    }
  }
}

/**
 * Renders one subject into `out` (channel-last, `slices.length` channels, starting at `offset`)
 * and returns its morphometrics (measured on the tissue maps before the site's scanner effects).
 */
export function simulateSubject(
  template: BrainTemplate,
  subject: SubjectSpec,
  rng: SeededRandom,
  opts: GeneratorOptions,
  out: Float32Array,
  offset: number,
): Morphometrics {
  const size = template.size;
  const first = template.slices.get(opts.slices[0] ?? 94);
  if (!first) throw new Error('brain-mri: unknown slice');
  const mm = first.mm;
  const sc = scratch(size, mm);
  const M = size * size;
  const C = opts.slices.length;
  const site = scaledSite(SITES[subject.site] as SiteParams, opts.siteEffect ?? 1);
  const { age, severity } = subject;
  const s = subject.diagnosis ? severity : 0;

  // ---- scalar draws (spec §4.2 jitter, §6.2)
  const ventLog = rng.normal() * SUBJECT.ventricleLogSd;
  const hippZ = rng.normal();
  const cortexZ = rng.normal();
  const noiseJit = rng.uniform(0.9, 1.1);
  const scaleJit = rng.uniform(0.95, 1.05);

  // ---- structure keep fractions (volume), ageing × subject × AD
  // The template is taken as a large-hippocampus subject (+1 SD), so the log-normal factor rarely
  // asks for growth; keep fractions are capped at 1.
  const hippSubject = Math.exp(SUBJECT.hippocampusLogSd * (hippZ - 1));
  const cortexSubject = 1 + SUBJECT.cortexKeepSd * cortexZ;
  const kCtx = cortexKeep(age);
  const keep = new Map<number, number>();
  const hip = hippocampusKeep(age) * hippSubject;
  const amy = hippocampusKeep(age, AGEING.hippocampus.amygdalaScale) * hippSubject;
  const para = kCtx * cortexSubject;
  for (const [l, base] of [
    [37, hip],
    [38, hip],
    [41, amy],
    [42, amy],
    [39, para],
    [40, para],
  ] as const) {
    keep.set(l, Math.min(1, base * (1 - s * (AD_LOSS[l] ?? 0))));
  }
  const linear = new Float64Array(256).fill(1);
  for (const [l, kv] of keep) linear[l] = Math.cbrt(Math.max(0.05, kv));
  const cortexKeepSubject = Math.min(1, kCtx * cortexSubject);

  // ---- ventricles: area factor → σ (spec §5.7)
  const vol =
    ventricleVolumeFactor(age, opts.ventricleEarlyPerDecade) *
    Math.exp(ventLog) *
    (1 + s * (AD.ventricleVolume - 1));
  const areaTarget = Math.min(AGEING.ventricle.areaCap, Math.pow(vol, 2 / 3));
  const sigma = sigmaForArea(template, areaTarget);

  // ---- deformation coefficients (spec §6.1), shared by the slices
  const K = SUBJECT.dctMaxK;
  const ax = new Float32Array((K + 1) * (K + 1));
  const ay = new Float32Array((K + 1) * (K + 1));
  for (let kx = 0; kx <= K; kx++) {
    for (let ky = 0; ky <= K; ky++) {
      if (kx === 0 && ky === 0) continue;
      const d = kx * kx + ky * ky;
      ax[kx * (K + 1) + ky] = rng.normal() / d;
      ay[kx * (K + 1) + ky] = rng.normal() / d;
    }
  }
  // ---- bias field coefficients (spec §5.8)
  const bc = new Float32Array(25);
  for (let kx = 0; kx <= 2; kx++) {
    for (let ky = 0; ky <= 2; ky++) {
      if (kx === 0 && ky === 0) continue;
      bc[kx * 5 + ky] = rng.normal();
    }
  }

  // ---- tissue means for this site and age (spec §2.2(5), §4.3)
  const { contrast } = AGEING;
  const ageC = Math.max(0, age - contrast.start);
  const muW = MODES.wm * (1 + contrast.wmPerYear * ageC);
  const muG = MODES.wm * site.gmWm * (1 + contrast.gmPerYear * ageC);
  const muC = MODES.wm * site.csfWm;
  const sigmaN = site.noise * MODES.wm * noiseJit;
  const scale = site.scale * scaleJit;
  const blurPx = site.blurMm / mm;
  const edgeW = Math.min(0.3, blurPx * 0.3989422804);

  const morph: Morphometrics = {
    ventricleArea: 0,
    hippocampusGm: 0,
    cortexGm: 0,
    unaffectedCortexGm: 0,
    gm: 0,
    csf: 0,
    wm: 0,
  };
  const area = mm * mm;
  const q: [number, number] = [0, 0];
  const { ux, uy, bias, img, tmp, pc, pg, pw, cg, w, inside, radialW, unaff } = sc;

  evalCosineField(sc, ax, K, ux);
  evalCosineField(sc, ay, K, uy);
  evalCosineField(sc, bc, 4, bias);

  for (let ch = 0; ch < C; ch++) {
    const k = opts.slices[ch] as number;
    const t = template.slices.get(k);
    if (!t) throw new Error(`brain-mri: slice ${k} is not in the asset`);

    // Deformation scaled to the requested RMS inside the brain, clipped at deformMaxMm.
    let ss = 0;
    let cnt = 0;
    for (let p = 0; p < M; p++) {
      if ((t.mask[p] as number) < 0.5) continue;
      const rw = radialW[p] as number;
      const a = (ux[p] as number) * rw;
      const b = (uy[p] as number) * rw;
      ss += a * a + b * b;
      cnt++;
    }
    const amp = cnt > 0 && ss > 0 ? opts.deformRmsMm / mm / Math.sqrt(ss / cnt) : 0;
    const maxPx = SUBJECT.deformMaxMm / mm;

    // Bias field rescaled to [0, 1] over the brain.
    let bmin = Infinity;
    let bmax = -Infinity;
    for (let p = 0; p < M; p++) {
      if ((t.mask[p] as number) < 0.5) continue;
      const b = bias[p] as number;
      if (b < bmin) bmin = b;
      if (b > bmax) bmax = b;
    }
    const brange = bmax > bmin ? bmax - bmin : 1;

    // Pass 1: warp, sample the template, contract the medial-temporal structures.
    let removeTarget = 0;
    let wsum = 0;
    let nCortex = 0;
    let sumC = 0;
    let sumCS = 0;
    const cortexList = sc.list;
    const {
      mask,
      csf,
      gm,
      wm,
      cortexFrac,
      adCortexLoss,
      surface,
      structGm,
      structId,
      hippGm,
      vent,
    } = t;
    const isV = k === 94;
    const isH = k === 58;
    const last = size - 1;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const p = y * size + x;
        const rw = (radialW[p] as number) * amp;
        let dx = (ux[p] as number) * rw;
        let dy = (uy[p] as number) * rw;
        const dl2 = dx * dx + dy * dy;
        if (dl2 > maxPx * maxPx) {
          const f = maxPx / Math.sqrt(dl2);
          dx *= f;
          dy *= f;
        }
        ventricleMap(t, x - dx, y - dy, sigma, q);
        // Bilinear weights at q, shared by every map.
        const qx = q[0] < 0 ? 0 : q[0] > last ? last : q[0];
        const qy = q[1] < 0 ? 0 : q[1] > last ? last : q[1];
        const x0 = qx >= last ? last - 1 : Math.floor(qx);
        const y0 = qy >= last ? last - 1 : Math.floor(qy);
        const fx = qx - x0;
        const fy = qy - y0;
        const i00 = y0 * size + x0;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const m =
          (mask[i00] as number) * w00 +
          (mask[i00 + 1] as number) * w01 +
          (mask[i00 + size] as number) * w10 +
          (mask[i00 + size + 1] as number) * w11;
        if (m < 1e-4) {
          inside[p] = 0;
          pc[p] = 0;
          pg[p] = 0;
          pw[p] = 0;
          cg[p] = 0;
          w[p] = 0;
          continue;
        }
        inside[p] = 1;
        let vc = lerp4(csf, i00, size, w00, w01, w10, w11);
        let vg = lerp4(gm, i00, size, w00, w01, w10, w11);
        const vw = lerp4(wm, i00, size, w00, w01, w10, w11);
        if (isV) morph.ventricleArea += lerp4(vent, i00, size, w00, w01, w10, w11) * area;

        // Structure contraction about its centroid (spec §5.5).
        const sid = structId[(fy < 0.5 ? y0 : y0 + 1) * size + (fx < 0.5 ? x0 : x0 + 1)] as number;
        let hipp = isH ? lerp4(hippGm, i00, size, w00, w01, w10, w11) : 0;
        if (sid) {
          const lin = linear[sid] as number;
          const cx = t.structCx[sid] as number;
          const cy = t.structCy[sid] as number;
          if (lin < 1 && cx === cx) {
            const S = lerp4(structGm, i00, size, w00, w01, w10, w11);
            const Ssrc = bilinear(structGm, size, cx + (qx - cx) / lin, cy + (qy - cy) / lin);
            const lost = S > Ssrc ? S - Ssrc : 0;
            if (lost > 0) {
              vg -= lost;
              vc += lost;
              if (hipp > 0 && S > 0) hipp *= (S - lost) / S;
            }
          }
        }
        morph.hippocampusGm += hipp * area;

        // Cortical thinning bookkeeping (spec §5.6): removal target and surface weight.
        const cfr = lerp4(cortexFrac, i00, size, w00, w01, w10, w11);
        const cortex = vg * cfr;
        pc[p] = vc;
        pg[p] = vg;
        pw[p] = vw;
        cg[p] = cortex;
        if (cortex > 0) {
          const adLoss = s > 0 ? s * lerp4(adCortexLoss, i00, size, w00, w01, w10, w11) : 0;
          const loss = 1 - cortexKeepSubject * (1 - adLoss);
          cortexList[nCortex++] = p;
          unaff[p] = lerp4(t.unaffectedFrac, i00, size, w00, w01, w10, w11);
          removeTarget += loss * cortex;
          const cs = cortex * lerp4(surface, i00, size, w00, w01, w10, w11);
          sumC += cortex;
          sumCS += cs;
          const wp = cs * loss;
          w[p] = wp;
          wsum += wp;
        } else w[p] = 0;
      }
    }

    // Surface-weighted GM → CSF transfer: t = min(GM, τ·surface·loss·GM) with τ = ΣGM / Σ(GM·surface),
    // so Σt ≈ Σ loss·GM while each pixel loses in proportion to its own loss (AD-free regions are
    // untouched by the diagnosis).
    if (removeTarget > 0 && wsum > 0 && sumCS > 0) {
      const tau = sumC / sumCS;
      for (let j = 0; j < nCortex; j++) {
        const p = cortexList[j] as number;
        const a = tau * (w[p] as number);
        const c = cg[p] as number;
        const tr = a < c ? a : c;
        pg[p] = (pg[p] as number) - tr;
        pc[p] = (pc[p] as number) + tr;
        cg[p] = c - tr;
      }
    }

    // Render with the site's tissue means, record morphometrics.
    for (let p = 0; p < M; p++) {
      if (!inside[p]) {
        img[p] = 0;
        continue;
      }
      const vc = pc[p] as number;
      const vg = pg[p] as number;
      const vw = pw[p] as number;
      morph.csf += vc * area;
      morph.gm += vg * area;
      morph.wm += vw * area;
      morph.cortexGm += (cg[p] as number) * area;
      morph.unaffectedCortexGm += (cg[p] as number) * (unaff[p] as number) * area;
      img[p] = vc * muC + vg * muG + vw * muW;
    }

    // Site blur (sub-pixel Gaussian on box-averaged pixels: edge weight σ/√(2π)).
    if (edgeW > 0) {
      const c0 = 1 - 2 * edgeW;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const p = y * size + x;
          const l = img[x > 0 ? p - 1 : p] as number;
          const r = img[x < size - 1 ? p + 1 : p] as number;
          tmp[p] = c0 * (img[p] as number) + edgeW * (l + r);
        }
      }
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const p = y * size + x;
          const u = tmp[y > 0 ? p - size : p] as number;
          const d = tmp[y < size - 1 ? p + size : p] as number;
          img[p] = c0 * (tmp[p] as number) + edgeW * (u + d);
        }
      }
    }

    // Bias field, Rician noise, site scale and offset, into [0, 1].
    const inv = 1 / INTENSITY_DIVISOR;
    const table = getNormalTable();
    for (let p = 0; p < M; p++) {
      const f = ((bias[p] as number) - bmin) / brange;
      const B = 1 - site.inu / 2 + site.inu * (f < 0 ? 0 : f > 1 ? 1 : f);
      const I = (img[p] as number) * B;
      const bits = rng.nextU32();
      const re = I + sigmaN * (table[bits >>> 16] as number);
      const im = sigmaN * (table[bits & 0xffff] as number);
      const v = (scale * Math.sqrt(re * re + im * im) + site.offset) * inv;
      out[offset + p * C + ch] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return morph;
}
