/*
 * librrdist: the one header a host includes.
 *
 * Decide who gets each lead, contact, deal or customer: pools of agents,
 * strategies, routing rules, claim windows, the manual queue, working
 * hours, reassignment and redistribution, over a store the host chooses.
 * Start with rrdist/distributor.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RRDIST_H
#define RRDIST_H

#include "rrdist/common.h"
#include "rrdist/agent.h"
#include "rrdist/calendar.h"
#include "rrdist/pool.h"
#include "rrdist/rule.h"
#include "rrdist/record.h"
#include "rrdist/event.h"
#include "rrdist/pick.h"
#include "rrdist/queue.h"
#include "rrdist/store.h"
#include "rrdist/config.h"
#include "rrdist/distributor.h"
#include "rrdist/redistribution.h"
#include "rrdist/simulation.h"

#endif /* RRDIST_H */
