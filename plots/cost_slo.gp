# cost_slo.gp - each policy's mean cost against its mean SLO violation
# minutes, with 95% confidence intervals across replications, the Pareto
# front dashed and the recommended policy starred.
set lmargin 12
set rmargin 6
set grid lc rgb '#dddddd'
set key top right opaque box lc rgb '#cccccc' font ',9'
set title scenario_title.': cost against SLO violation (means, 95% intervals)' noenhanced font ',12'
set xlabel 'SLO violation (minutes)'
set ylabel 'cost'
set xrange [0:*]
set offsets graph 0.05, graph 0.15, graph 0.1, graph 0.1
array colours[8] = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2']
do for [i=1:n_policies] {
    set label 200+i pol_name[i] at first cs_x[i], first cs_y[i] offset 1.5,1.5 noenhanced font ',10' tc rgb colours[(i - 1) % 8 + 1]
}
plot front using 1:2 with lines dt 2 lw 1.5 lc rgb '#888888' title 'Pareto front', \
     data using 1:4:2:3:5:6:(colours[(int($8) - 1) % 8 + 1]) with xyerrorbars pt 7 ps 1.5 lc rgb variable title 'policy (95% CI)', \
     data using ($8 == recommended ? $1 : NaN):4 with points pt 3 ps 4 lw 2 lc rgb 'black' title 'recommended'
