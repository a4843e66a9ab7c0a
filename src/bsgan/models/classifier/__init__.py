"""The failure classifier of Schlagenhauf, Sun and Fleischer (Table 5), trained once per task and seed."""
