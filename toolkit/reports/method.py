"""The method section of the brief: the measures and the model, with their formulas.

Fixed text (no input data); the formulas follow :mod:`toolkit.risk`, the network
model and the optimisation model of issue 4, with the references of METHODS.md.
"""

from __future__ import annotations

METHOD_HTML = """
<h2 class="break">Method</h2>
<dl class="method">
<dt>Shares and the Herfindahl–Hirschman index (HHI)</dt>
<dd>A country's share of a stage is s<sub>c</sub> = q<sub>c</sub> / &Sigma;<sub>k</sub>
q<sub>k</sub>, with q the tonnes of contained element (capacity or production), the
denominator including the rest-of-world aggregate.
<div class="formula">HHI = &Sigma;<sub>c</sub> (100&middot;s<sub>c</sub>)<sup>2</sup>
&nbsp;&isin; [0, 10&thinsp;000]</div>
summed over named countries (the rest-of-world aggregate counts in the denominator only,
so the HHI is a lower bound). Risk bands follow the US Horizontal Merger Guidelines
(2010): below 1,500 low, 1,500–2,500 moderate, above 2,500 high.</dd>
<dt>Governance-weighted concentration (HHI<sub>WGI</sub>)</dt>
<dd>EU JRC method (Blengini et al. 2017, doi:10.2760/73303):
<div class="formula">HHI<sub>WGI</sub> = &Sigma;<sub>c</sub> s<sub>c</sub><sup>2</sup>
&middot; WGI<sup>scaled</sup><sub>c</sub> &middot; t<sub>c</sub>, &nbsp;
WGI<sup>scaled</sup><sub>c</sub> = 2&thinsp;(2.5 &minus; WGI<sub>c</sub>)</div>
with WGI<sub>c</sub> the mean of the six World Bank Worldwide Governance Indicators
(&minus;2.5 to 2.5), rescaled to 0–10 so that 10 is the poorest governance, and trade
factor t<sub>c</sub> = 1.</dd>
<dt>China-touch exposure</dt>
<dd>The share of a buyer's supply whose path mine &rarr; refine &rarr; manufacture passes a
Chinese node at any stage. With pro-rata mixing, a node's touched share is
<div class="formula">f(n) = 1 if n is in China, else f(n) = &Sigma;<sub>u</sub>
w<sub>u,n</sub> f(u)</div>
where w<sub>u,n</sub> is the fraction of node n's input coming from upstream node u; the
buyer's exposure is f at its last stage. A magnet made in Japan from oxide refined in China
from Australian ore counts as touched.</dd>
<dt>The sourcing model (linear programme)</dt>
<dd>For each buyer b and mineral m the plan contracts tonnes x<sub>p</sub> along paths
p = mine &rarr; refine &rarr; manufacture &rarr; buyer, at the sum of the nodes' unit costs
and route costs c<sub>p</sub>:
<div class="formula">min &Sigma;<sub>p</sub> c<sub>p</sub> x<sub>p</sub> +
&Sigma;<sub>b,m</sub> h<sub>b,m</sub> S<sub>b,m</sub> + &Sigma;<sub>s</sub> p<sub>s</sub>
( &Sigma; spot cost<sub>s</sub> + &pi; &Sigma;<sub>b,m</sub> u<sub>s,b,m</sub> ) +
&lambda;&middot;CVaR<sub>&alpha;</sub></div>
subject to: contracted supply equals demand, &Sigma;<sub>p&isin;P(b,m)</sub> x<sub>p</sub>
= D<sub>b,m</sub>; the buyers together contract at most a share o of any node's capacity;
at each capped stage the tonnes through Chinese nodes are at most &theta;&middot;D<sub>b,m</sub>
(likewise any single country, partner minimum, China-touch); in every scenario s, surviving
contracted flows (each node scaled by 1 &minus; &ell;<sub>s,n</sub>) plus spot purchases
plus stockpile drawdown plus unserved tonnes u<sub>s,b,m</sub> equal demand, with served
supply at least &sigma;&middot;D<sub>b,m</sub>. Scenario probabilities p<sub>s</sub> are used
as given; the rest is the undisrupted year. In <i>joint</i> mode both buyers share one plan
(shared offtake limits, a pooled stockpile); the value of cooperation is the joint cost and
resilience against the independent plans. Solved with HiGHS through Pyomo.</dd>
<dt>Shadow prices</dt>
<dd>The dual value of a binding constraint, converted to US dollars per percentage point of
the buyer's demand for the mineral: the rate at which relaxing it saves cost, at the margin.
The saving of relaxing it by a whole point is re-solved and reported beside it; it is never
larger, and smaller where the cheaper supply runs out within the point (or where the
optimum is degenerate and the solver reports a steeper rate).</dd>
<dt>Risk aversion: conditional value at risk (CVaR)</dt>
<dd>Rockafellar &amp; Uryasev (2000), linear form, with L<sub>s</sub> the cost of scenario s:
<div class="formula">CVaR<sub>&alpha;</sub> = min<sub>&eta;</sub> &eta; +
1/(1&minus;&alpha;) &middot; &Sigma;<sub>s</sub> p<sub>s</sub> v<sub>s</sub>, &nbsp;
v<sub>s</sub> &ge; L<sub>s</sub> &minus; &eta;, &nbsp; v<sub>s</sub> &ge; 0</div></dd>
<dt>Pareto frontier</dt>
<dd>&epsilon;-constraint method: minimise cost subject to China's share &le; &epsilon;
(or expected shortfall &le; &epsilon;) for a sweep of &epsilon;, re-solving one model.</dd>
<dt>Baseline</dt>
<dd>Today's world mix: each buyer's demand spread over a stage's countries in proportion
to their capacity, b<sub>c</sub> = D &middot; q<sub>c</sub> / &Sigma;<sub>k</sub>
q<sub>k</sub>.</dd>
</dl>
"""
