/* The synthetic rate function and its thinning bound. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "headroom/traffic.h"

#define DAY 86400.0
#define HOUR 3600.0

static hr_traffic_config flat(double base)
{
    hr_traffic_config c = {.base_rps = base};
    for (int h = 0; h < 24; h++)
        c.diurnal[h] = 1;
    for (int d = 0; d < 7; d++)
        c.weekly[d] = 1;
    c.noise_correlation_s = 300;
    return c;
}

static hr_traffic make(const hr_traffic_config *c, double duration, gsl_rng *r)
{
    hr_traffic tr;
    assert_int_equal(hr_traffic_init(&tr, c, duration, r, NULL), HR_OK);
    return tr;
}

static void assert_close(double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        fail_msg("got %.9g, want %.9g (tolerance %g)", got, want, tol);
}

static void test_flat_rate_is_the_base_rate(void **state)
{
    (void)state;
    hr_traffic_config c = flat(120);
    hr_traffic tr = make(&c, DAY, NULL);
    assert_close(hr_traffic_rate(&tr, 0), 120, 1e-9);
    assert_close(hr_traffic_rate(&tr, 12345.6), 120, 1e-9);
    hr_traffic_free(&tr);
}

static void test_diurnal_hits_hourly_values_at_half_past_and_interpolates(void **state)
{
    (void)state;
    hr_traffic_config c = flat(10);
    for (int h = 0; h < 24; h++)
        c.diurnal[h] = 1 + h;
    hr_traffic tr = make(&c, DAY, NULL);
    assert_close(hr_traffic_rate(&tr, 9.5 * HOUR), 10 * 10, 1e-9);
    assert_close(hr_traffic_rate(&tr, 10 * HOUR), 10 * 10.5, 1e-9);
    /* wraps around midnight: 23:30 is 24, 00:30 is 1, midnight halfway */
    assert_close(hr_traffic_rate(&tr, DAY + 0), 10 * 12.5, 1e-9);
    hr_traffic_free(&tr);
}

static void test_weekly_multiplier_follows_start_day(void **state)
{
    (void)state;
    hr_traffic_config c = flat(10);
    c.start_day = 3; /* Thursday */
    c.weekly[5] = 0.5; /* Saturday */
    hr_traffic tr = make(&c, 7 * DAY, NULL);
    assert_close(hr_traffic_rate(&tr, 1 * DAY + 5), 10, 1e-9);     /* Friday */
    assert_close(hr_traffic_rate(&tr, 2 * DAY + 5), 5, 1e-9);      /* Saturday */
    assert_close(hr_traffic_rate(&tr, 9 * DAY + 5), 5, 1e-9);      /* next Saturday */
    hr_traffic_free(&tr);
}

/* With a calendar the daily and weekly shapes read the local clock: t = 0
 * at 06:00 on a Saturday, and on the 23-hour day of a spring-forward
 * change (clock_at_s 26h: 02:00 local of day 1 becomes 03:00) the day's
 * shape jumps an hour ahead. */
static void test_shapes_follow_the_calendars_local_clock(void **state)
{
    (void)state;
    hr_traffic_config c = flat(10);
    for (int h = 0; h < 24; h++)
        c.diurnal[h] = 1 + h;
    c.start_day = 5;   /* Saturday */
    c.weekly[6] = 0.5; /* Sunday */
    double at[] = {0, 20 * HOUR}, shift[] = {6 * HOUR, 7 * HOUR};
    c.clock_at_s = at;
    c.clock_shift_s = shift;
    c.n_clock = 2;
    hr_traffic tr = make(&c, 2 * DAY, NULL);
    assert_close(hr_traffic_rate(&tr, 3.5 * HOUR), 10 * 10, 1e-9); /* 09:30 Saturday */
    assert_close(hr_traffic_rate(&tr, 17.5 * HOUR), 10 * 24, 1e-9); /* 23:30 Saturday */
    /* 19:59 after the start is 01:59 Sunday; a second later it is 03:00 */
    assert_close(hr_traffic_rate(&tr, 19.5 * HOUR), 10 * 0.5 * 2, 1e-9);   /* 01:30 */
    assert_close(hr_traffic_rate(&tr, 20.5 * HOUR), 10 * 0.5 * 4, 1e-9);   /* 03:30 */
    /* the bound over the jump covers both sides (hours 01:xx and 03:xx) */
    double bound = hr_traffic_bound(&tr, 19.9 * HOUR, 20.6 * HOUR);
    assert_true(bound >= hr_traffic_rate(&tr, 20.6 * HOUR));
    assert_close(bound, 10 * 0.5 * (4 + 0.1), 1e-6);
    /* the whole run is never above its bound */
    for (double t = 0; t < 2 * DAY; t += 600)
        assert_true(hr_traffic_rate(&tr, t) <= hr_traffic_bound(&tr, t, t + 600) + 1e-9);
    hr_traffic_free(&tr);
}

static void test_plateau_event_ramps_holds_and_ends(void **state)
{
    (void)state;
    hr_traffic_config c = flat(10);
    hr_traffic_event e = {.name = "bf", .shape = HR_EVENT_PLATEAU, .start_s = DAY, .duration_s = DAY,
                          .multiplier = 5, .ramp_s = 2 * HOUR};
    c.events = &e;
    c.n_events = 1;
    hr_traffic tr = make(&c, 3 * DAY, NULL);
    assert_close(hr_traffic_rate(&tr, DAY - 1), 10, 1e-9);
    assert_close(hr_traffic_rate(&tr, DAY + HOUR), 10 * 3, 1e-9); /* halfway up the ramp */
    assert_close(hr_traffic_rate(&tr, DAY + 12 * HOUR), 50, 1e-9);
    assert_close(hr_traffic_rate(&tr, 2 * DAY - HOUR), 10 * 3, 1e-9);
    assert_close(hr_traffic_rate(&tr, 2 * DAY + 1), 10, 1e-9);
    hr_traffic_free(&tr);
}

static void test_spike_rises_then_decays_exponentially(void **state)
{
    (void)state;
    hr_traffic_config c = flat(10);
    hr_traffic_event e = {.name = "viral", .shape = HR_EVENT_SPIKE, .start_s = HOUR, .multiplier = 21,
                          .ramp_s = 60, .decay_s = HOUR};
    c.events = &e;
    c.n_events = 1;
    hr_traffic tr = make(&c, DAY, NULL);
    assert_close(hr_traffic_rate(&tr, HOUR + 30), 10 * 11, 1e-9);
    assert_close(hr_traffic_rate(&tr, HOUR + 60), 210, 1e-9);
    assert_close(hr_traffic_rate(&tr, 2 * HOUR + 60), 10 * (1 + 20 * exp(-1.0)), 1e-9);
    hr_traffic_free(&tr);
}

static void test_growth_compounds_monthly(void **state)
{
    (void)state;
    hr_traffic_config c = flat(100);
    c.growth_monthly = 0.25;
    hr_traffic tr = make(&c, 61 * DAY, NULL);
    assert_close(hr_traffic_rate(&tr, 30 * DAY), 125, 1e-9);
    assert_close(hr_traffic_rate(&tr, 60 * DAY), 156.25, 1e-9);
    hr_traffic_free(&tr);
}

static void test_noise_has_mean_one(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    hr_traffic_config c = flat(100);
    c.noise_sigma = 0.2;
    c.noise_correlation_s = 300;
    hr_traffic tr = make(&c, 60 * DAY, r);
    double sum = 0, sumsq = 0;
    int n = 0;
    for (double t = 0; t < 60 * DAY; t += 60, n++) {
        double x = hr_traffic_rate(&tr, t);
        sum += x;
        sumsq += log(x / 100) * log(x / 100);
    }
    assert_close(sum / n, 100, 1.5);            /* mean 1 x base within 1.5% */
    assert_close(sqrt(sumsq / n), 0.2, 0.02);   /* log-sd is sigma */
    hr_traffic_free(&tr);
    gsl_rng_free(r);
}

/* The noise path drawn the plain way, the way traffic.h states it: every
 * point from the stream in order. */
static double *reference_path(unsigned long seed, double step_s, double tau, double sigma, size_t n)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    double a = exp(-step_s / tau), innovation = sigma * sqrt(1.0 - a * a);
    double x = gsl_ran_gaussian(r, sigma);
    for (size_t k = 0; k < n; k++) {
        v[k] = exp(x - 0.5 * sigma * sigma);
        x = a * x + gsl_ran_gaussian(r, innovation);
    }
    gsl_rng_free(r);
    return v;
}

/* A long path (30 days on a 1 s grid: 2.6 million points, hundreds of
 * chunks) is not held whole, yet every read gives what the whole path
 * gives, bit for bit: forward as a run reads, jumping about (chunks drawn
 * again after they left the cache), and backwards. */
static void test_long_noise_path_reads_like_the_whole_path_in_bounded_memory(void **state)
{
    (void)state;
    const double days = 30, tau = 10, sigma = 0.2; /* tau / 20 < 1 s: a 1 s grid */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    hr_traffic_config c = flat(100);
    c.noise_sigma = sigma;
    c.noise_correlation_s = tau;
    hr_traffic tr = make(&c, days * DAY, r);
    gsl_rng_free(r);
    size_t n = tr.n_noise;
    assert_int_equal(n, (size_t)(days * DAY) + 2);
    double *ref = reference_path(11, 1.0, tau, sigma, n);
    if (hr_traffic_bytes(&tr) > 3u << 20)
        fail_msg("the noise path holds %zu bytes; the whole path is %zu", hr_traffic_bytes(&tr),
                 n * sizeof *ref);
    gsl_rng *pick = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(pick, 12);
    for (int i = 0; i < 201000; i++) {
        double t;
        if (i < 100000)
            t = i * 7.3;                                   /* forward */
        else if (i < 101000)
            t = gsl_rng_uniform(pick) * (days * DAY - 1);  /* anywhere */
        else
            t = (days * DAY - 1) - (i - 101000) * 9.1;     /* backwards */
        size_t k = (size_t)t;
        double f = t - (double)k;
        double want = 100 * (1.0 * (ref[k] * (1.0 - f) + ref[k + 1] * f));
        double got = hr_traffic_rate(&tr, t);
        if (got != want)
            fail_msg("t = %.17g: rate %.17g, the whole path gives %.17g", t, got, want);
    }
    /* the bound over an interval spanning chunks reads every point in it */
    double t0 = 8000, t1 = 30000, m = 0;
    for (size_t k = 8001; k < 30000; k++)
        m = fmax(m, ref[k]);
    m = fmax(m, fmax(ref[8000], ref[30000]));
    assert_true(hr_traffic_bound(&tr, t0, t1) == 100 * m);
    gsl_rng_free(pick);
    free(ref);
    hr_traffic_free(&tr);
}

/* Thinning is exact only if the bound really bounds: check it against the
 * rate on many random intervals of a busy configuration. */
static void test_bound_is_never_below_the_rate(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    hr_traffic_config c = flat(50);
    for (int h = 0; h < 24; h++)
        c.diurnal[h] = 0.3 + (h % 7) * 0.4;
    c.weekly[2] = 0.6;
    c.weekly[4] = 1.7;
    c.growth_monthly = -0.3;
    c.noise_sigma = 0.3;
    c.noise_correlation_s = 120;
    hr_traffic_event ev[3] = {
        {.name = "a", .shape = HR_EVENT_PLATEAU, .start_s = 1000, .duration_s = 5000, .multiplier = 4, .ramp_s = 0},
        {.name = "b", .shape = HR_EVENT_SPIKE, .start_s = 20000, .multiplier = 9, .ramp_s = 0, .decay_s = 900},
        {.name = "c", .shape = HR_EVENT_PLATEAU, .start_s = 40000, .duration_s = 3000, .multiplier = 0.2, .ramp_s = 600},
    };
    c.events = ev;
    c.n_events = 3;
    hr_traffic tr = make(&c, 3 * DAY, r);
    for (int i = 0; i < 20000; i++) {
        double t0 = gsl_rng_uniform(r) * 3 * DAY * 0.99;
        double len = i % 2 ? gsl_rng_uniform(r) * 2 : gsl_rng_uniform(r) * 4000;
        double bound = hr_traffic_bound(&tr, t0, t0 + len);
        for (int k = 0; k <= 20; k++) {
            double t = t0 + len * k / 20;
            double rate = hr_traffic_rate(&tr, t);
            if (rate > bound * (1 + 1e-12))
                fail_msg("rate %.9g at %.3f above bound %.9g of [%.3f, %.3f]", rate, t, bound, t0, t0 + len);
        }
    }
    /* the same for a looping linear replay under logistic growth and steps */
    double tt[50], rr[50];
    for (int i = 0; i < 50; i++) {
        tt[i] = i * 37.0 + (i % 3);
        rr[i] = (i * 7919) % 13;
    }
    hr_traffic_config rc = c;
    rc.has_replay = true;
    rc.replay = (hr_replay_config){.time_s = tt, .rate = rr, .n = 50, .end_s = 49 * 37.0 + 1 + 37,
                                   .scale = 3, .speed = 1.7, .start_s = 100, .loop = true,
                                   .interp = HR_REPLAY_LINEAR};
    rc.growth_model = HR_GROWTH_LOGISTIC;
    rc.growth_monthly = 0.4;
    rc.growth_ceiling = 0.5;
    hr_traffic trr = make(&rc, 3 * DAY, r);
    for (int i = 0; i < 20000; i++) {
        double t0 = gsl_rng_uniform(r) * 3 * DAY * 0.99;
        double len = i % 2 ? gsl_rng_uniform(r) * 2 : gsl_rng_uniform(r) * 4000;
        double bound = hr_traffic_bound(&trr, t0, t0 + len);
        for (int k = 0; k <= 20; k++) {
            double t = t0 + len * k / 20;
            if (hr_traffic_rate(&trr, t) > bound * (1 + 1e-12))
                fail_msg("replay rate %.9g at %.3f above bound %.9g", hr_traffic_rate(&trr, t), t, bound);
        }
    }
    hr_traffic_free(&trr);
    /* and it is tight where the rate is constant */
    hr_traffic_config f = flat(7);
    hr_traffic trf = make(&f, DAY, NULL);
    assert_close(hr_traffic_bound(&trf, 10, 11), 7, 1e-12);
    hr_traffic_free(&trf);
    hr_traffic_free(&tr);
    gsl_rng_free(r);
}

/* A four-row trace: 10/s for 60 s, 0 for 60 s, 30/s for 60 s, 20/s to 240 s. */
static double trace_t[] = {0, 60, 120, 180};
static double trace_r[] = {10, 0, 30, 20};

static hr_traffic_config replayed(hr_replay_interp interp)
{
    hr_traffic_config c = flat(1);
    c.has_replay = true;
    c.replay = (hr_replay_config){.time_s = trace_t, .rate = trace_r, .n = 4, .end_s = 240,
                                  .scale = 1, .speed = 1, .interp = interp};
    return c;
}

static void test_replay_steps_through_the_trace_with_zero_rates(void **state)
{
    (void)state;
    hr_traffic_config c = replayed(HR_REPLAY_STEP);
    hr_traffic tr = make(&c, 240, NULL);
    assert_close(hr_traffic_rate(&tr, 0), 10, 0);
    assert_close(hr_traffic_rate(&tr, 59.9), 10, 0);
    assert_close(hr_traffic_rate(&tr, 60), 0, 0);   /* a zero-traffic minute */
    assert_close(hr_traffic_rate(&tr, 150), 30, 0);
    assert_close(hr_traffic_rate(&tr, 239), 20, 0); /* the last row lasts one interval */
    hr_traffic_free(&tr);
}

static void test_replay_interpolates_scales_stretches_and_offsets(void **state)
{
    (void)state;
    /* linear puts each row's rate (its interval's average) at the middle of
     * its interval: 10 at 30 s, 0 at 90, 30 at 150, 20 at 210 */
    hr_traffic_config c = replayed(HR_REPLAY_LINEAR);
    hr_traffic tr = make(&c, 240, NULL);
    assert_close(hr_traffic_rate(&tr, 10), 10, 1e-12);  /* before the first middle: holds */
    assert_close(hr_traffic_rate(&tr, 30), 10, 1e-12);
    assert_close(hr_traffic_rate(&tr, 60), 5, 1e-12);   /* halfway from 10 to 0 */
    assert_close(hr_traffic_rate(&tr, 180), 25, 1e-12); /* halfway from 30 to 20 */
    assert_close(hr_traffic_rate(&tr, 230), 20, 1e-12); /* after the last middle: holds */
    hr_traffic_free(&tr);
    /* looping, the seam is interpolated too: from 20 at 210 to 10 at 240 + 30 */
    c.replay.loop = true;
    tr = make(&c, 1000, NULL);
    assert_close(hr_traffic_rate(&tr, 230), 20 + (10 - 20) * 20.0 / 60, 1e-9);
    assert_close(hr_traffic_rate(&tr, 250), 20 + (10 - 20) * 40.0 / 60, 1e-9);
    hr_traffic_free(&tr);

    c = replayed(HR_REPLAY_STEP);
    c.replay.scale = 3;
    c.replay.speed = 2;     /* two trace seconds per simulated second */
    c.replay.start_s = 60;  /* starting at the zero minute */
    tr = make(&c, 90, NULL);
    assert_close(hr_traffic_rate(&tr, 0), 0, 0);
    assert_close(hr_traffic_rate(&tr, 30), 3 * 30, 0);  /* trace time 120 */
    assert_close(hr_traffic_rate(&tr, 61), 3 * 20, 0);  /* trace time 182 */
    hr_traffic_free(&tr);
}

static void test_replay_loops_at_the_end_of_the_trace(void **state)
{
    (void)state;
    hr_traffic_config c = replayed(HR_REPLAY_STEP);
    c.replay.loop = true;
    hr_traffic tr = make(&c, 1000, NULL);
    assert_close(hr_traffic_rate(&tr, 240), 10, 0);       /* back to the first row */
    assert_close(hr_traffic_rate(&tr, 240 + 130), 30, 0);
    assert_close(hr_traffic_rate(&tr, 4 * 240 + 61), 0, 0);
    /* the bound of an interval that wraps covers both ends */
    assert_close(hr_traffic_bound(&tr, 230, 245), 20, 0);
    assert_close(hr_traffic_bound(&tr, 170, 250), 30, 0);
    hr_traffic_free(&tr);
}

/* The expected arrivals of a replay are the trace's integral times scale
 * (sum of rate x interval for a step replay); the estimate's trapezoids on
 * a 1 s grid cut each step's corner by half a second. The simulated count
 * is checked in the engine's tests. */
static void test_replay_volume_is_the_trace_integral_times_scale(void **state)
{
    (void)state;
    hr_traffic_config c = replayed(HR_REPLAY_STEP);
    c.replay.scale = 2.5;
    double integral = 10 * 60 + 0 * 60 + 30 * 60 + 20 * 60;
    assert_close(hr_traffic_expected_requests(&c, NULL, 0, 240), 2.5 * integral, 2.5 * 30 * 0.5 * 2);
}

static void test_growth_linear_logistic_and_steps(void **state)
{
    (void)state;
    const double MONTH = 30 * DAY;
    hr_traffic_config c = flat(10);
    c.growth_model = HR_GROWTH_LINEAR;
    c.growth_monthly = 0.1;
    hr_traffic tr = make(&c, 12 * MONTH, NULL);
    assert_close(hr_traffic_rate(&tr, 3 * MONTH), 13, 1e-9);  /* +10% of the start a month */
    hr_traffic_free(&tr);
    c.growth_monthly = -0.5; /* linear decline stops at 0 */
    tr = make(&c, 12 * MONTH, NULL);
    assert_close(hr_traffic_rate(&tr, 3 * MONTH), 0, 0);
    hr_traffic_free(&tr);

    /* logistic: starts at 1, grows at about `monthly` early, reaches its ceiling */
    c.growth_model = HR_GROWTH_LOGISTIC;
    c.growth_monthly = 0.5;
    c.growth_ceiling = 4;
    tr = make(&c, 48 * MONTH, NULL);
    assert_close(hr_traffic_rate(&tr, 0), 10, 1e-12);
    assert_true(hr_traffic_rate(&tr, 1 * DAY) / 10 > 1.0);
    assert_close(hr_traffic_rate(&tr, 48 * MONTH), 40, 1e-3);
    double mid = 0;
    for (double t = 0; t < 48 * MONTH; t += DAY) /* monotone */
        assert_true(hr_traffic_rate(&tr, t) >= mid - 1e-12 && (mid = hr_traffic_rate(&tr, t)) <= 40);
    hr_traffic_free(&tr);

    /* steps: the level of the last step at or before t */
    hr_growth_step steps[] = {{.at_s = DAY, .level = 1.5}, {.at_s = 3 * DAY, .level = 0.5}};
    c.growth_model = HR_GROWTH_STEPS;
    c.growth_steps = steps;
    c.n_growth_steps = 2;
    tr = make(&c, 5 * DAY, NULL);
    assert_close(hr_traffic_rate(&tr, DAY - 1), 10, 0);
    assert_close(hr_traffic_rate(&tr, DAY), 15, 0);
    assert_close(hr_traffic_rate(&tr, 4 * DAY), 5, 0);
    assert_close(hr_traffic_bound(&tr, DAY - 10, 3 * DAY + 10), 15, 0);
    hr_traffic_free(&tr);
}

/* Many events (a year of a daily event): the indexed rate equals the
 * product over every event. */
static void test_many_events_are_indexed_without_changing_the_rate(void **state)
{
    (void)state;
    enum { N = 400 };
    hr_traffic_event ev[N];
    for (int i = 0; i < N; i++)
        ev[i] = (hr_traffic_event){.name = "e", .shape = i % 5 ? HR_EVENT_PLATEAU : HR_EVENT_SPIKE,
                                   .start_s = (N - i) * 3000.0, .duration_s = 1800 + (i % 3) * 5000,
                                   .multiplier = 1.5 + (i % 4), .ramp_s = 60, .decay_s = 400};
    for (int i = 0; i < N; i++)
        if (ev[i].shape == HR_EVENT_SPIKE)
            ev[i].duration_s = 0;
    hr_traffic_config c = flat(10);
    c.events = ev;
    c.n_events = N;
    hr_traffic tr = make(&c, (N + 2) * 3000.0, NULL);
    for (double t = 0; t < (N + 2) * 3000.0; t += 777.7) {
        double brute = 10;
        for (int i = 0; i < N; i++) {
            double u = t - ev[i].start_s, f = 1;
            if (u >= 0 && ev[i].shape == HR_EVENT_SPIKE)
                f = u < ev[i].ramp_s ? 1 + (ev[i].multiplier - 1) * u / ev[i].ramp_s
                                     : 1 + (ev[i].multiplier - 1) * exp(-(u - ev[i].ramp_s) / ev[i].decay_s);
            else if (u >= 0 && u < ev[i].duration_s)
                f = u < ev[i].ramp_s ? 1 + (ev[i].multiplier - 1) * u / ev[i].ramp_s
                    : u > ev[i].duration_s - ev[i].ramp_s
                        ? 1 + (ev[i].multiplier - 1) * (ev[i].duration_s - u) / ev[i].ramp_s
                        : ev[i].multiplier;
            brute *= f;
        }
        assert_close(hr_traffic_rate(&tr, t), brute, 1e-9 * brute);
    }
    hr_traffic_free(&tr);
}

static void test_expected_requests_integrates_the_rate(void **state)
{
    (void)state;
    hr_traffic_config c = flat(10);
    assert_close(hr_traffic_expected_requests(&c, NULL, 0, HOUR), 36000, 1e-6);
    /* a x3 plateau of 1 h with 10-minute ramps adds (3 - 1) x 10/s over an
     * effective 3000 s (two ramps of 600 s at half height, 2400 s held) */
    hr_traffic_event e = {.name = "p", .shape = HR_EVENT_PLATEAU, .start_s = HOUR, .duration_s = HOUR,
                          .multiplier = 3, .ramp_s = 600};
    c.events = &e;
    c.n_events = 1;
    assert_close(hr_traffic_expected_requests(&c, NULL, 0, 3 * HOUR), 3 * 36000 + 2 * 10 * 3000, 1e-6);
    /* noise has mean 1: it does not change the expectation */
    c.noise_sigma = 0.5;
    assert_close(hr_traffic_expected_requests(&c, NULL, 0, 3 * HOUR), 3 * 36000 + 2 * 10 * 3000, 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_rate_is_the_base_rate),
        cmocka_unit_test(test_diurnal_hits_hourly_values_at_half_past_and_interpolates),
        cmocka_unit_test(test_weekly_multiplier_follows_start_day),
        cmocka_unit_test(test_shapes_follow_the_calendars_local_clock),
        cmocka_unit_test(test_plateau_event_ramps_holds_and_ends),
        cmocka_unit_test(test_spike_rises_then_decays_exponentially),
        cmocka_unit_test(test_growth_compounds_monthly),
        cmocka_unit_test(test_noise_has_mean_one),
        cmocka_unit_test(test_long_noise_path_reads_like_the_whole_path_in_bounded_memory),
        cmocka_unit_test(test_bound_is_never_below_the_rate),
        cmocka_unit_test(test_expected_requests_integrates_the_rate),
        cmocka_unit_test(test_replay_steps_through_the_trace_with_zero_rates),
        cmocka_unit_test(test_replay_interpolates_scales_stretches_and_offsets),
        cmocka_unit_test(test_replay_loops_at_the_end_of_the_trace),
        cmocka_unit_test(test_replay_volume_is_the_trace_integral_times_scale),
        cmocka_unit_test(test_growth_linear_logistic_and_steps),
        cmocka_unit_test(test_many_events_are_indexed_without_changing_the_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
