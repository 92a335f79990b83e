# latency.gp - p50/p95/p99 of each policy as small multiples on one
# logarithmic scale, with the SLO lines, so no policy hides another.
lo = 1e300
hi = 0
do for [i=1:n_policies] {
    stats pol_data[i] using 10 nooutput
    lo = (STATS_min < lo && STATS_min > 0) ? STATS_min : lo
    stats pol_data[i] using 12 nooutput
    hi = STATS_max > hi ? STATS_max : hi
}
load dir.'common.gp'
hi = (slo_p99 == slo_p99 && slo_p99 > hi) ? slo_p99 : ((slo_p95 == slo_p95 && slo_p95 > hi) ? slo_p95 : hi)
set multiplot layout n_policies,1 title scenario_title.sprintf(': latency, replication %d', replication) noenhanced font ',12'
set logscale y
set yrange [lo / 1.5 : hi * 1.5]
set format x ''
set xlabel ''
do for [i=1:n_policies] {
    if (i == n_policies) { eval xaxis }
    set ylabel pol_name[i].' (ms)' noenhanced
    plot pol_data[i] using 1:10 with lines lc rgb '#9ecae1' lw 1 title 'p50', \
         '' using 1:11 with lines lc rgb colour(i) lw 1.5 title 'p95', \
         '' using 1:12 with lines lc rgb '#555555' lw 1 title 'p99', \
         '' using 1:(slo_p95) with lines dt 2 lw 2 lc rgb 'red' title sprintf('SLO p95 %g ms', slo_p95), \
         '' using 1:(slo_p99) with lines dt 3 lw 2 lc rgb 'red' title sprintf('SLO p99 %g ms', slo_p99)
}
unset multiplot
