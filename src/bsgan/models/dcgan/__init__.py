"""The DCGAN of Schlagenhauf, Sun and Fleischer (Table 2), one generator per failure class."""
