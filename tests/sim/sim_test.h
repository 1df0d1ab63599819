/* Shared by the scenario tests: documents written with single quotes (so
 * they read as JSON inside C strings) and the loader's expectations. */
#ifndef RRD_TEST_SIM_H
#define RRD_TEST_SIM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sim/scenario.h"

/* 2026-03-02T08:00:00Z, a Monday. */
#define SIM_START ((rrd_time)1772438400000)

/* Every section and every op, after the format's own examples. */
#define SIM_FULL_DOC                                                                        \
	"{'format':'rrdist-scenario/1','start':'2026-03-02T08:00:00Z','end':'+1d','seed':7,"  \
	"'limits':{'redistribute_max':500},'explain':true,"                                  \
	"'calendars':[{'id':'east','timezone':'America/New_York',"                           \
	"  'hours':{'mon':[['09:00','17:00']],'tue':[['09:00','12:00'],['13:00','17:00']],"  \
	"  'sat':[]},'holidays':['2026-12-25','2026-01-01']}],"                               \
	"'agents':["                                                                          \
	"  {'id':'alice','types':['salesperson'],'active':true,'paused':false,'weight':1,"   \
	"   'capacity':{'open':25,'per_day':40},'calendar':'east','postal_code':'10001',"    \
	"   'partner':'dealer-12','skills':['spanish']},"                                    \
	"  {'id':'bob','types':['salesperson'],'weight':3,'location':{'lat':34.05,'lon':-118.24}}," \
	"  {'id':'carol','paused':true},"                                                     \
	"  {'id':'dan','types':['sales_bdc']},"                                               \
	"  {'id':'erin','types':['closer'],'active':false},"                                  \
	"  {'id':'mgr','types':['manager']}],"                                                \
	"'pools':["                                                                           \
	"  {'id':'web','kind':'lead','strategy':'round_robin','members':['alice','bob','carol']," \
	"   'claim_window':'5m','respect_hours':false,'auto_drain':true},"                   \
	"  {'id':'web-backup','kind':'lead','strategy':'least_busy','members':['dan']},"     \
	"  {'id':'managers','kind':'lead','members':['mgr']},"                                \
	"  {'id':'service','kind':'customer','strategy':'piranha','members':['dan','erin'],"  \
	"   'claim_window':'10m'}],"                                                          \
	"'rules':["                                                                           \
	"  {'id':'zillow','match':{'source':['zillow','trulia'],'kind':'lead',"              \
	"   'attrs':{'language':'es'}},'pool':'web','strategy':'piranha','claim_window':'10m',"  \
	"   'calendar':'east','max_offers':3,'skills':['spanish'],"                           \
	"   'overflow':['web-backup','managers']},"                                           \
	"  {'id':'default','pool':'web'}],"                                                   \
	"'records':["                                                                         \
	"  {'id':'C-1001','kind':'customer','status':'pending','owner':'alice',"             \
	"   'roles':{'salesperson':'alice','sales_bdc':'dan','closer':'erin'},"              \
	"   'attrs':{'segment':'service'},'postal_code':'30303'},"                           \
	"  {'id':'C-1002','kind':'customer'}],"                                               \
	"'events':["                                                                          \
	"  {'at':'+0s','op':'lead','id':'L1','kind':'lead','source':'zillow',"               \
	"   'attrs':{'language':'es'},'postal_code':'10001'},"                                \
	"  {'at':'+1m','op':'claim','lead':'L1','agent':'alice'},"                            \
	"  {'at':'+1m','op':'decline','lead':'L1','agent':'bob'},"                            \
	"  {'at':'2026-03-02T09:05:00+01:00','op':'assign','lead':'L1','agent':'bob',"       \
	"   'notify':false},"                                                                 \
	"  {'at':'+10m','op':'reassign','leads':['L1'],"                                      \
	"   'to':{'nearest':{'types':['salesperson']}},'integrations':true},"                \
	"  {'at':'+11m','op':'transfer','lead':'L1','partner':'dealer-12','agent':'alice',"  \
	"   'new_id':'L1-b'},"                                                                \
	"  {'at':'+12m','op':'redistribute','from':{'agent':'alice','roles':['salesperson']}," \
	"   'to':{'types':['salesperson']},'preview':true},"                                  \
	"  {'at':'+13m','op':'undo','job':'J1'},"                                             \
	"  {'at':'+14m','op':'follow_up','leads':['C-1001'],'status':'called'},"             \
	"  {'at':'+15m','op':'agent','id':'zoe','types':['closer'],'postal_code':'30303'},"  \
	"  {'at':'+16m','op':'pool.add','pool':'web','agent':'zoe'},"                         \
	"  {'at':'+17m','op':'pool.remove','pool':'web','agent':'carol'},"                    \
	"  {'at':'2026-03-02T08:30:00.750Z','op':'advance'}]}"

/* A copy of `text` with every ' turned into ", in a static buffer. */
const char *sim_json(const char *text);

/* The postal table from argv[1] (or NULL), loaded once by sim_main. */
extern rrd_postal_table *sim_postal;

/* Load `text` (single-quoted JSON) with sim_postal. */
rrd_status sim_load(const char *text, rrd_scenario **out);

/* Load a document made of the format, a start and `body` (more fields,
 * single-quoted, without the braces) and expect it refused with RRD_E_PARSE
 * and a message beginning with `path` then ": ". */
void sim_expect_fault(const char *body, const char *path);
/* The same, and the message must also contain `fragment`. */
void sim_expect_fault_msg(const char *body, const char *path, const char *fragment);
/* The same document must load; returns it (free it). */
rrd_scenario *sim_expect_load(const char *body);

/* Loads the postal table from argv[1], then runs the tests. */
int sim_main(int argc, char **argv, const char *name, const struct CMUnitTest *tests,
	     size_t count);

#endif
