# errors_cost.gp - every policy's error rate, fleet cost per hour and
# cumulative cost over time.
load dir.'common.gp'
set multiplot layout 3,1 title scenario_title.sprintf(': errors and cost, replication %d', replication) noenhanced font ',12'
set format x ''
set xlabel ''
set ylabel 'errors (% of requests)'
set yrange [0:*]
eval label_events
plot for [i=1:n_policies] pol_data[i] using 1:13 with lines lc rgb colour(i) lw 1.5 title pol_name[i] noenhanced, \
     for [i=1:1] pol_data[i] using 1:(slo_err) with lines dt 2 lw 2 lc rgb 'red' title sprintf('SLO %g%%', slo_err)
unset label
set ylabel 'cost per hour'
plot for [i=1:n_policies] pol_data[i] using 1:14 with steps lc rgb colour(i) lw 1.5 title pol_name[i] noenhanced
eval xaxis
set ylabel 'cumulative cost'
plot for [i=1:n_policies] pol_data[i] using 1:15 with lines lc rgb colour(i) lw 2 title pol_name[i] noenhanced
unset multiplot
