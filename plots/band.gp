# band.gp - each policy across its replications: the range (min to max)
# and mean of instances serving, and of p95 latency, row by row.
load dir.'common.gp'
set rmargin 3
set multiplot layout n_policies,2 title scenario_title.': spread across replications (band: min to max, line: mean)' noenhanced font ',12'
set format x ''
set xlabel ''
set style fill transparent solid 0.3 noborder
do for [i=1:n_policies] {
    if (i == n_policies) { eval xaxis }
    set ylabel pol_name[i] noenhanced
    set title 'instances serving' font ',9'
    unset logscale y
    set yrange [0:*]
    plot pol_band[i] using 1:2:4 with filledcurves lc rgb colour(i) notitle, \
         '' using 1:3 with lines lc rgb colour(i) lw 1.5 notitle
    set ylabel ''
    set title 'p95 latency (ms)' font ',9'
    set logscale y
    set yrange [*:*]
    plot pol_band[i] using 1:5:7 with filledcurves lc rgb colour(i) notitle, \
         '' using 1:6 with lines lc rgb colour(i) lw 1.5 notitle, \
         '' using 1:(slo_p95) with lines dt 2 lw 1.5 lc rgb 'red' notitle
}
unset multiplot
