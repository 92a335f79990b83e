/* One queue over one tick as a flow (fluid.h): conservation, the backlog
 * and its caps, the steady queue against Erlang C and the M/M/c/K loss. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "headroom/fluid.h"
#include "headroom/queueing.h"

/* 4 workers of 100 ms at full speed: K = 40 requests a second. */
static hr_fluid_station station(int queue_limit, double timeout_s)
{
    return (hr_fluid_station){.workers = 4, .speed = 1.0, .mean_service_s = 0.1,
                              .service_scv = 1.0, .arrival_scv = 1.0,
                              .queue_limit = queue_limit, .timeout_s = timeout_s};
}

static void assert_conserved(const hr_fluid_flow *f, double backlog0)
{
    double in = f->arrived + backlog0;
    double out = f->served + f->backlog + f->rejected + f->expired;
    assert_true(fabs(in - out) < 1e-9 * (in + 1));
}

static void test_steady_queue_is_erlang_c(void **state)
{
    (void)state;
    hr_fluid_station st = station(-1, 0);
    hr_fluid_flow f;
    hr_fluid_step(&st, 32, 10, 0, &f); /* rho 0.8 */
    assert_conserved(&f, 0);
    assert_true(f.backlog == 0 && f.rejected == 0 && f.expired == 0);
    assert_true(fabs(f.wait_p - hr_erlang_c(4, 3.2)) < 1e-12);
    /* M/M/c: the wait given waiting is exponential of rate c mu - lambda */
    assert_true(fabs(f.theta - 8.0) < 1e-12);
    assert_true(fabs(f.busy - 3.2) < 1e-12);
    /* Little: mean queue lambda P(wait) / theta */
    assert_true(fabs(f.queued - 32 * f.wait_p / 8.0) < 1e-12);
}

static void test_overload_builds_a_backlog_that_drains(void **state)
{
    (void)state;
    hr_fluid_station st = station(-1, 0);
    hr_fluid_flow f;
    hr_fluid_step(&st, 50, 10, 0, &f); /* 10 req/s over K for 10 s */
    assert_conserved(&f, 0);
    assert_true(fabs(f.backlog - 100) < 1e-9);
    assert_true(fabs(f.served - 400) < 1e-9);
    assert_true(fabs(f.backlog_wait_s - 50.0 / 40) < 1e-9); /* mean level 50, K 40 */
    assert_true(f.wait_p == 0);
    double b = f.backlog;
    hr_fluid_step(&st, 20, 10, b, &f); /* drains at 20 req/s: empty after 5 s */
    assert_conserved(&f, b);
    assert_true(f.backlog == 0);
    assert_true(fabs(f.backlog_wait_s - 100 * 5.0 / (2 * 10) / 40) < 1e-9);
}

static void test_queue_limit_rejects_the_excess(void **state)
{
    (void)state;
    hr_fluid_station st = station(30, 0);
    hr_fluid_flow f;
    hr_fluid_step(&st, 50, 10, 0, &f);
    assert_conserved(&f, 0);
    assert_true(fabs(f.backlog - 30) < 1e-9 && fabs(f.rejected - 70) < 1e-9);
    assert_false(f.saturated);
    /* below capacity: the M/M/c/(c+Q) loss, Erlang B when Q = 0 */
    st.queue_limit = 0;
    hr_fluid_step(&st, 32, 10, 0, &f);
    double a = 3.2, b = 1;
    for (int k = 1; k <= 4; k++)
        b = a * b / (k + a * b);
    assert_true(fabs(f.rejected / f.arrived - b) < 1e-12);
    assert_true(f.wait_p == 0);
}

static void test_timeout_caps_the_backlog_and_keeps_throughput(void **state)
{
    (void)state;
    hr_fluid_station st = station(-1, 2.0); /* room K x timeout = 80 */
    hr_fluid_flow f;
    hr_fluid_step(&st, 60, 10, 0, &f);
    assert_conserved(&f, 0);
    assert_true(fabs(f.backlog - 80) < 1e-9 && fabs(f.expired - 120) < 1e-9);
    assert_true(f.saturated);
    assert_true(fabs(f.served - 400) < 1e-9); /* throughput stays K */
}

static void test_warming_station_is_slower(void **state)
{
    (void)state;
    hr_fluid_station st = station(-1, 0);
    st.speed = 0.5; /* K = 20 */
    hr_fluid_flow f;
    hr_fluid_step(&st, 30, 10, 0, &f);
    assert_conserved(&f, 0);
    assert_true(fabs(f.backlog - 100) < 1e-9 && fabs(f.busy - 4) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_queue_is_erlang_c),
        cmocka_unit_test(test_overload_builds_a_backlog_that_drains),
        cmocka_unit_test(test_queue_limit_rejects_the_excess),
        cmocka_unit_test(test_timeout_caps_the_backlog_and_keeps_throughput),
        cmocka_unit_test(test_warming_station_is_slower),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
