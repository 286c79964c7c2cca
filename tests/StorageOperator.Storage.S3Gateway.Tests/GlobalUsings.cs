global using Xunit;
global using StorageOperator.TestCommon.Rgw;
